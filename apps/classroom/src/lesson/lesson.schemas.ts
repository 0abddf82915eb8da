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
