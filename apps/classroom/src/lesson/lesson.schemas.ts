import {
  LESSON_ATTACHMENT_KINDS,
  REALTIME_LIMITS as R,
  type LessonCommandName,
  type LessonCommandPayloads,
  type LessonJoinRequest,
  type LessonResyncRequest,
  type PointerMove,
  type RtcSignalRequest,
} from '@tongke/contracts';
import { z } from 'zod';
import { LessonErrors } from './lesson.errors.js';

/** Every socket payload is parsed with one of these (strict: unknown fields are refused). */
const uuid = z.uuid();
const clientMsgId = z
  .string()
  .min(1)
  .max(R.clientMsgIdMaxLength)
  .regex(/^[\w:.-]+$/, 'clientMsgId may hold letters, digits and _ : . - only');
const page = z.number().int().min(1).max(R.maxPage);
const materialRef = z.strictObject({ kind: z.enum(LESSON_ATTACHMENT_KINDS), id: uuid });
const surface = z.discriminatedUnion('layer', [
  z.strictObject({ layer: z.literal('annotation'), material: materialRef, page }),
  z.strictObject({ layer: z.literal('whiteboard'), page }),
]);
const segment = z.strictObject({
  strokeId: z.string().min(1).max(64),
  tool: z.enum(['pen', 'highlighter', 'eraser']),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'color must be #rrggbb'),
  width: z.number().min(0.5).max(64),
  points: z
    .array(z.number().min(0).max(1))
    .min(2)
    .max(R.maxPointsPerBatch * 2)
    .refine((p) => p.length % 2 === 0, 'points must be x,y pairs'),
  done: z.boolean(),
});
const withId = { clientMsgId };
const classroom = { ...withId, classroomId: uuid };
const pollRef = { ...withId, pollId: uuid };

type Schemas = { [K in LessonCommandName]: z.ZodType<LessonCommandPayloads[K]> };

export const COMMAND_SCHEMAS: Schemas = {
  'lesson:start': z.strictObject(withId),
  'lesson:end': z.strictObject(withId),
  'lobby:admit': z.strictObject(classroom),
  'material:set': z.strictObject({ ...withId, material: materialRef, page }),
  'page:set': z.strictObject({ ...withId, page }),
  'stroke:batch': z
    .strictObject({ ...withId, surface, segments: z.array(segment).min(1).max(R.maxSegmentsPerBatch) })
    .refine(
      (b) => b.segments.reduce((n, s) => n + s.points.length / 2, 0) <= R.maxPointsPerBatch,
      `at most ${R.maxPointsPerBatch} points per batch`,
    ),
  'board:clear': z.strictObject({ ...withId, surface }),
  'pen:grant': z.strictObject(classroom),
  'pen:revoke': z.strictObject(classroom),
  'classroom:mute': z.strictObject({ ...classroom, muted: z.boolean() }),
  'hand:raise': z.strictObject(withId),
  'hand:lower': z.strictObject(classroom),
  'poll:open': z.strictObject({
    ...withId,
    question: z.string().trim().min(1).max(R.pollQuestionMaxLength),
    kind: z.enum(['single', 'multiple']),
    options: z
      .array(z.string().trim().min(1).max(R.pollOptionMaxLength))
      .min(R.pollMinOptions)
      .max(R.pollMaxOptions)
      .refine((o) => new Set(o).size === o.length, 'options must differ'),
  }),
  'poll:answer': z.strictObject({
    ...pollRef,
    tally: z
      .array(z.number().int().min(0).max(R.pollMaxTallyPerOption))
      .min(R.pollMinOptions)
      .max(R.pollMaxOptions)
      .refine((t) => t.some((n) => n > 0), 'an answer needs at least one pupil'),
  }),
  'poll:close': z.strictObject(pollRef),
  'poll:reveal': z.strictObject(pollRef),
  'chat:send': z.strictObject({
    ...withId,
    channel: z.enum(['lesson', 'observers']),
    text: z.string().trim().min(1).max(R.chatMaxLength),
  }),
  'prefetch:report': z.strictObject({ ...withId, ready: z.array(materialRef).max(50) }),
  'av:mode': z.strictObject({ ...withId, mode: z.enum(['av', 'audio']) }),
};

const sinceMark = z
  .strictObject({
    at: z.number().int().min(0),
    clientMsgId: z.string().max(R.clientMsgIdMaxLength).nullable(),
  })
  .nullable()
  .optional();

export const JOIN_SCHEMA: z.ZodType<LessonJoinRequest> = z.strictObject({
  lessonId: uuid,
  token: z.string().min(1).max(4096),
  sinceSeq: z.number().int().min(0).optional(),
  sinceMark,
});

export const RESYNC_SCHEMA: z.ZodType<LessonResyncRequest> = z.strictObject({
  sinceSeq: z.number().int().min(0),
  sinceMark,
});

export const POINTER_SCHEMA: z.ZodType<PointerMove> = z.strictObject({
  surface,
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
});

export const RTC_SIGNAL_SCHEMA: z.ZodType<RtcSignalRequest> = z.strictObject({
  to: z.string().min(1).max(64),
  kind: z.enum(['offer', 'answer', 'ice']),
  data: z.string().min(1).max(R.rtcMaxBytes),
});

export const EMPTY_SCHEMA: z.ZodType<Record<string, never>> = z.strictObject({});

// ---- the hot commands, checked by hand ----
// A pen stroke arrives ten times a second from every drawing host; these say yes to exactly
// what the schemas above accept (or to less: anything they refuse falls through to the schema,
// which names the problem), without building zod's result objects.

type Loose = Record<string, unknown>;
const CLIENT_MSG_ID = /^[\w:.-]+$/;
/** As strict as z.uuid() or stricter (RFC 9562 versions and variant). */
const UUID_STRICT = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const TOOLS: readonly unknown[] = ['pen', 'highlighter', 'eraser'];
const KINDS: readonly unknown[] = LESSON_ATTACHMENT_KINDS;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyCount = (o: Loose): number => Object.keys(o).length;
const inRange = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && v >= min && v <= max;
const isPage = (v: unknown): boolean => Number.isInteger(v) && inRange(v, 1, R.maxPage);
const isClientMsgId = (v: unknown): boolean =>
  typeof v === 'string' && v.length >= 1 && v.length <= R.clientMsgIdMaxLength && CLIENT_MSG_ID.test(v);

function isSurface(v: unknown): boolean {
  if (!isObject(v) || !isPage(v.page)) return false;
  if (v.layer === 'whiteboard') return keyCount(v) === 2;
  if (v.layer !== 'annotation' || keyCount(v) !== 3) return false;
  const m = v.material;
  return (
    isObject(m) &&
    keyCount(m) === 2 &&
    KINDS.includes(m.kind) &&
    typeof m.id === 'string' &&
    UUID_STRICT.test(m.id)
  );
}

function isStrokeBatch(v: unknown): boolean {
  if (!isObject(v) || keyCount(v) !== 3 || !isClientMsgId(v.clientMsgId) || !isSurface(v.surface))
    return false;
  const segments = v.segments;
  if (!Array.isArray(segments) || segments.length < 1 || segments.length > R.maxSegmentsPerBatch)
    return false;
  let points = 0;
  for (const seg of segments as unknown[]) {
    if (!isObject(seg) || keyCount(seg) !== 6) return false;
    const { strokeId, tool, color, width, points: p, done } = seg;
    if (typeof strokeId !== 'string' || strokeId.length < 1 || strokeId.length > 64) return false;
    if (!TOOLS.includes(tool) || typeof color !== 'string' || !COLOR.test(color)) return false;
    if (!inRange(width, 0.5, 64) || typeof done !== 'boolean') return false;
    if (!Array.isArray(p) || p.length < 2 || p.length > R.maxPointsPerBatch * 2 || p.length % 2 !== 0)
      return false;
    for (const x of p as unknown[]) if (!inRange(x, 0, 1)) return false;
    points += p.length / 2;
  }
  return points <= R.maxPointsPerBatch;
}

const isPageSet = (v: unknown): boolean =>
  isObject(v) && keyCount(v) === 2 && isClientMsgId(v.clientMsgId) && isPage(v.page);

const FAST_CHECKS: Partial<Record<LessonCommandName, (v: unknown) => boolean>> = {
  'stroke:batch': isStrokeBatch,
  'page:set': isPageSet,
};

/** A command's payload, parsed or refused with VALIDATION_FAILED. */
export function parseCommand<K extends LessonCommandName>(name: K, raw: unknown): LessonCommandPayloads[K] {
  if (FAST_CHECKS[name]?.(raw)) return raw as LessonCommandPayloads[K];
  return parsePayload(COMMAND_SCHEMAS[name], raw);
}

/** Parses or throws VALIDATION_FAILED naming the first problems. */
export function parsePayload<T>(schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw ?? undefined);
  if (r.success) return r.data;
  const problems = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`)
    .join('; ');
  throw LessonErrors.validation(problems);
}
