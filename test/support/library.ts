/**
 * Helpers for the library specs (test/library): resources, uploads over tus and multipart, and
 * waiting for background jobs. Built on TestContext; nothing here changes how the app is built.
 */
import { createHash } from 'node:crypto';
import type { ResourceDto, ResourceFileDto } from '@tongke/contracts';
import type request from 'supertest';
import { ExtractionWorker } from '../../apps/api/src/library/jobs/extraction.worker.js';
import { LibraryGcService } from '../../apps/api/src/library/jobs/library-gc.service.js';
import { LibrarySettings } from '../../apps/api/src/library/library.settings.js';
import type { Actor, TestContext } from './context.js';

export {
  buildDocx,
  buildPdf,
  buildPptx,
  buildXlsx,
  MEDIA_SAMPLES,
} from '../../libs/files/src/testing/fixtures.js';

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Bytes behind a valid MP4 header (the sniffer reads only the start); `seed` varies the content. */
export function mp4Bytes(size: number, seed = 1): Buffer {
  const header = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
  const body = Buffer.alloc(Math.max(0, size - header.length));
  for (let i = 0; i < body.length; i += 1) body[i] = (i * 131 + seed * 7 + (i >> 9)) & 0xff;
  return Buffer.concat([header, body]).subarray(0, size);
}

export const BASE_RESOURCE = {
  title: '一元一次方程 第1课时 教学设计',
  description: '人教版七年级上册第三单元',
  subject: 'math',
  stage: 'junior',
  grade: '七年级',
  edition: 'pep',
  volume: 'first',
  unit: '第三单元 一元一次方程',
  lessonPeriod: 1,
  resourceType: 'lesson_plan',
  tags: ['方程', '移项'],
  license: 'cc-by-4.0',
};

export async function createResource(
  ctx: TestContext,
  actor: Actor,
  overrides: Record<string, unknown> = {},
): Promise<ResourceDto> {
  const res = await ctx.http
    .post('/api/resources')
    .set('Authorization', actor.auth)
    .send({ ...BASE_RESOURCE, ...overrides });
  if (res.status !== 201) throw new Error(`create resource: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ResourceDto;
}

export function multipart(
  ctx: TestContext,
  actor: Actor,
  resourceId: string,
  fileName: string,
  data: Buffer,
): request.Test {
  return ctx.http
    .post(`/api/resources/${resourceId}/files`)
    .set('Authorization', actor.auth)
    .attach('file', data, { filename: fileName, contentType: 'application/octet-stream' });
}

export async function attach(
  ctx: TestContext,
  actor: Actor,
  resourceId: string,
  fileName: string,
  data: Buffer,
): Promise<ResourceFileDto> {
  const res = await multipart(ctx, actor, resourceId, fileName, data);
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ResourceFileDto;
}

/** A resource with one file, published with `visibility` (reviews approved as needed by `approver`). */
export async function publishedResource(
  ctx: TestContext,
  author: Actor,
  visibility: 'private' | 'school' | 'district' | 'public',
  opts: {
    approvers?: Actor[];
    file?: { name: string; data: Buffer };
    overrides?: Record<string, unknown>;
  } = {},
): Promise<{ resource: ResourceDto; file: ResourceFileDto }> {
  const resource = await createResource(ctx, author, opts.overrides);
  const file = await attach(
    ctx,
    author,
    resource.id,
    opts.file?.name ?? '教学设计.txt',
    opts.file?.data ?? Buffer.from(`一元一次方程 ${resource.id}\n`),
  );
  const submitted = await ctx.http
    .post(`/api/resources/${resource.id}/submit`)
    .set('Authorization', author.auth)
    .send({ visibility });
  if (submitted.status !== 200)
    throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  for (const approver of opts.approvers ?? []) {
    const res = await ctx.http
      .post(`/api/resources/${resource.id}/approve`)
      .set('Authorization', approver.auth);
    if (res.status !== 200) throw new Error(`approve: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const final = await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', author.auth);
  return { resource: final.body as ResourceDto, file };
}

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Upload-Metadata for a tus upload to a resource. */
export function tusMetadata(resourceId: string, fileName: string, versionId?: string): string {
  const pairs = [`resourceId ${b64(resourceId)}`, `filename ${b64(fileName)}`];
  if (versionId) pairs.push(`versionId ${b64(versionId)}`);
  return pairs.join(',');
}

/** Creates a tus upload; returns its path (/api/uploads/<id>). */
/** A tus creation request (POST /api/uploads), to be awaited for its answer whatever it is. */
export function tusCreateRequest(
  ctx: TestContext,
  actor: Actor,
  resourceId: string,
  fileName: string,
  length: number,
): ReturnType<TestContext['http']['post']> {
  return ctx.http
    .post('/api/uploads')
    .set('Authorization', actor.auth)
    .set('Tus-Resumable', '1.0.0')
    .set('Upload-Length', String(length))
    .set('Upload-Metadata', tusMetadata(resourceId, fileName));
}

export async function tusCreate(
  ctx: TestContext,
  actor: Actor,
  resourceId: string,
  fileName: string,
  length: number,
): Promise<string> {
  const res = await tusCreateRequest(ctx, actor, resourceId, fileName, length);
  if (res.status !== 201) throw new Error(`tus create: ${res.status} ${JSON.stringify(res.body)}`);
  return new URL(res.headers.location, 'http://x').pathname;
}

export function tusPatch(
  ctx: TestContext,
  actor: Actor,
  path: string,
  offset: number,
  chunk: Buffer,
): request.Test {
  return ctx.http
    .patch(path)
    .set('Authorization', actor.auth)
    .set('Tus-Resumable', '1.0.0')
    .set('Upload-Offset', String(offset))
    .set('Content-Type', 'application/offset+octet-stream')
    .send(chunk);
}

export async function tusUpload(
  ctx: TestContext,
  actor: Actor,
  resourceId: string,
  fileName: string,
  data: Buffer,
): Promise<request.Response> {
  const path = await tusCreate(ctx, actor, resourceId, fileName, data.length);
  return tusPatch(ctx, actor, path, 0, data);
}

/** Polls `probe` until `done` holds (background jobs), failing after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs the text extraction queue now and waits until no file is pending or being extracted. */
export async function drainExtraction(ctx: TestContext): Promise<void> {
  const worker = ctx.app.get(ExtractionWorker);
  await waitFor(
    async () => {
      await worker.drain();
      const rows: { n: number }[] = await ctx.dataSource.query(
        "SELECT count(*)::int AS n FROM resource_files WHERE extraction_status IN ('pending', 'running')",
      );
      return rows[0]?.n ?? 0;
    },
    (n) => n === 0,
  );
}

export function gc(ctx: TestContext): LibraryGcService {
  return ctx.app.get(LibraryGcService);
}

export function librarySettings(ctx: TestContext): LibrarySettings {
  return ctx.app.get(LibrarySettings);
}

/** Keys of all content-addressed objects in the store. */
export async function storedObjects(ctx: TestContext): Promise<string[]> {
  const { ObjectStore } = await import('@tongke/storage');
  const keys: string[] = [];
  for await (const key of ctx.app.get(ObjectStore).list('sha256/')) keys.push(key);
  return keys;
}
