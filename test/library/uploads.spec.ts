import { jest } from '@jest/globals';
import { readdir, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ResourceDto, ResourceFileDto, UploadSessionDto } from '@tongke/contracts';
import { ResourceFile } from '@tongke/database';
import { ObjectStore, StorageUnavailableError, type PutOptions } from '@tongke/storage';
import { UploadStaging } from '../../apps/api/src/library/uploads/upload-staging.js';
import { TestContext, type County } from '../support/context.js';
import {
  attach,
  buildDocx,
  buildPdf,
  buildPptx,
  buildXlsx,
  createResource,
  drainExtraction,
  gc,
  MEDIA_SAMPLES,
  mp4Bytes,
  multipart,
  sha256,
  storedObjects,
  tusCreate,
  tusCreateRequest,
  tusMetadata,
  tusPatch,
  tusUpload,
} from '../support/library.js';

const MAX = 300_000;

describe('library: uploads', () => {
  let ctx: TestContext;
  let county: County;
  let port: number;

  beforeAll(async () => {
    ctx = await TestContext.create({ UPLOAD_MAX_BYTES: String(MAX) });
    county = await ctx.newCounty();
    const server = ctx.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => ctx.close());

  const filesOf = async (resourceId: string): Promise<ResourceFileDto[]> => {
    const res = await ctx.http.get(`/api/resources/${resourceId}`).set('Authorization', county.master.auth);
    return (res.body as ResourceDto).currentVersion?.files ?? [];
  };
  const fileRows = (resourceId: string) =>
    ctx.dataSource.getRepository(ResourceFile).count({ where: { resourceId } });
  const stagingFiles = async (): Promise<string[]> => readdir(ctx.app.get(UploadStaging).directory);
  const download = async (fileId: string): Promise<Buffer> => {
    const res = await ctx.http
      .get(`/api/files/${fileId}/download`)
      .set('Authorization', county.master.auth)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    return res.body as Buffer;
  };

  /** Sends the first `chunk` of a PATCH that announces `total` bytes, waits until the server has it on disk, then drops the connection. */
  async function droppedPatch(path: string, total: number, chunk: Buffer): Promise<void> {
    const id = path.split('/').pop() ?? '';
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      method: 'PATCH',
      headers: {
        Authorization: county.master.auth,
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(total),
      },
    });
    req.on('error', () => undefined);
    req.write(chunk);
    const staged = ctx.app.get(UploadStaging).pathOf(id);
    for (;;) {
      const st = await stat(staged).catch(() => null);
      if (st && st.size >= chunk.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    req.destroy();
  }

  it('a tus upload survives a dropped connection: HEAD tells where to resume, the rest is PATCHed, the file is stored whole', async () => {
    const resource = await createResource(ctx, county.master, { resourceType: 'micro_lecture' });
    const data = mp4Bytes(250_000, 3);
    const path = await tusCreate(ctx, county.master, resource.id, '微课 一元一次方程.mp4', data.length);

    await droppedPatch(path, data.length, data.subarray(0, 120_000));
    let offset: number;
    for (;;) {
      const head = await ctx.http
        .head(path)
        .set('Authorization', county.master.auth)
        .set('Tus-Resumable', '1.0.0');
      expect(head.status).toBe(200);
      expect(head.headers['upload-length']).toBe(String(data.length));
      offset = Number(head.headers['upload-offset']);
      if (offset >= 120_000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(offset).toBe(120_000);

    const stale = await tusPatch(ctx, county.master, path, 0, data.subarray(0, 10));
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual(
      expect.objectContaining({ statusCode: 409, code: 'LIBRARY_UPLOAD_OFFSET_MISMATCH' }),
    );

    const rest = await tusPatch(ctx, county.master, path, offset, data.subarray(offset));
    expect(rest.status).toBe(200);
    const file = rest.body as ResourceFileDto;
    expect(rest.headers['tongke-file-id']).toBe(file.id);
    expect(file).toEqual(
      expect.objectContaining({
        kind: 'mp4',
        size: data.length,
        sha256: sha256(data),
        name: '微课 一元一次方程.mp4',
      }),
    );
    expect(sha256(await download(file.id))).toBe(sha256(data));

    const status = await ctx.http.get(path).set('Authorization', county.master.auth);
    expect(status.body).toEqual(expect.objectContaining({ status: 'completed', fileId: file.id }));
    // A client that lost the last response asks again: the upload is complete.
    const head = await ctx.http
      .head(path)
      .set('Authorization', county.master.auth)
      .set('Tus-Resumable', '1.0.0');
    expect(head.headers['upload-offset']).toBe(String(data.length));
    expect(await stagingFiles()).toEqual([]);
  });

  it('an upload belongs to its creator: anyone else gets 404, and no token gets 401', async () => {
    const resource = await createResource(ctx, county.master);
    const path = await tusCreate(ctx, county.master, resource.id, 'a.txt', 10);
    for (const req of [
      ctx.http
        .patch(path)
        .set('Upload-Offset', '0')
        .set('Content-Type', 'application/offset+octet-stream')
        .send('0123456789'),
      ctx.http.delete(path),
      ctx.http.get(path),
    ]) {
      const res = await req.set('Authorization', county.ruralTeacher.auth).set('Tus-Resumable', '1.0.0');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('LIBRARY_UPLOAD_NOT_FOUND');
    }
    const head = await ctx.http
      .head(path)
      .set('Authorization', county.ruralTeacher.auth)
      .set('Tus-Resumable', '1.0.0');
    expect(head.status).toBe(404);
    expect((await ctx.http.head(path).set('Tus-Resumable', '1.0.0')).status).toBe(401);
    const anonymous = await ctx.http
      .post('/api/uploads')
      .set('Tus-Resumable', '1.0.0')
      .set('Upload-Length', '10');
    expect(anonymous.status).toBe(401);
    // Nobody uploads into someone else's resource.
    const foreign = await tusCreateRequest(ctx, county.ruralTeacher, resource.id, 'x.txt', 10);
    expect(foreign.status).toBe(404);
    // The owner may cancel; the upload is then gone.
    const cancelled = await ctx.http
      .delete(path)
      .set('Authorization', county.master.auth)
      .set('Tus-Resumable', '1.0.0');
    expect(cancelled.status).toBe(204);
    const gone = await ctx.http
      .head(path)
      .set('Authorization', county.master.auth)
      .set('Tus-Resumable', '1.0.0');
    expect(gone.status).toBe(410);
  });

  it('an oversized file is refused up front (Upload-Length) and when a stream lies about its size; nothing is kept', async () => {
    const resource = await createResource(ctx, county.master);
    const before = (await storedObjects(ctx)).length;
    const declared = await tusCreateRequest(ctx, county.master, resource.id, '大视频.mp4', MAX + 1);
    expect(declared.status).toBe(413);
    expect(declared.body).toEqual(
      expect.objectContaining({
        statusCode: 413,
        code: 'LIBRARY_FILE_TOO_LARGE',
        message: expect.any(String),
      }),
    );

    // Declares 1000 bytes, sends 2000.
    const liar = await tusCreate(ctx, county.master, resource.id, 'liar.mp4', 1000);
    const lie = await tusPatch(ctx, county.master, liar, 0, mp4Bytes(2000));
    expect(lie.status).toBe(413);
    expect(lie.body.code).toBe('LIBRARY_FILE_TOO_LARGE');

    // Defers its length, then streams past the limit.
    const deferred = await ctx.http
      .post('/api/uploads')
      .set('Authorization', county.master.auth)
      .set('Tus-Resumable', '1.0.0')
      .set('Upload-Defer-Length', '1')
      .set('Upload-Metadata', tusMetadata(resource.id, 'deferred.mp4'));
    expect(deferred.status).toBe(201);
    const deferredPath = new URL(deferred.headers.location, 'http://x').pathname;
    const over = await ctx.http
      .patch(deferredPath)
      .set('Authorization', county.master.auth)
      .set('Tus-Resumable', '1.0.0')
      .set('Upload-Offset', '0')
      .set('Content-Type', 'application/offset+octet-stream')
      .send(mp4Bytes(MAX + 5000));
    expect(over.status).toBe(413);

    const big = await multipart(ctx, county.master, resource.id, '大视频.mp4', mp4Bytes(MAX + 1));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('LIBRARY_FILE_TOO_LARGE');

    expect(await fileRows(resource.id)).toBe(0);
    await gc(ctx).run({ stagingMaxAgeMs: 0, objectGraceMs: 0 });
    expect((await storedObjects(ctx)).length).toBe(before);
    expect(await stagingFiles()).toEqual([]);
  });

  it('the type comes from the bytes: a renamed executable or HTML page is refused with a clear error, over tus and multipart', async () => {
    const resource = await createResource(ctx, county.master);
    const exe = await multipart(ctx, county.master, resource.id, '课件.pdf', MEDIA_SAMPLES.exe);
    expect(exe.status).toBe(415);
    expect(exe.body).toEqual(expect.objectContaining({ code: 'LIBRARY_FILE_TYPE_NOT_ALLOWED' }));
    expect(exe.body.message).toMatch(/可执行/);

    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    const page = await multipart(ctx, county.master, resource.id, '教案.txt', html);
    expect(page.status).toBe(415);

    const overTus = await tusUpload(ctx, county.master, resource.id, 'setup.docx', MEDIA_SAMPLES.exe);
    expect(overTus.status).toBe(415);
    expect(overTus.body.code).toBe('LIBRARY_FILE_TYPE_NOT_ALLOWED');
    const sessions = await ctx.dataSource.query(
      "SELECT id, status, error_code FROM upload_sessions WHERE file_name = 'setup.docx'",
    );
    expect(sessions).toEqual([
      expect.objectContaining({ status: 'failed', error_code: 'LIBRARY_FILE_TYPE_NOT_ALLOWED' }),
    ]);
    const status = await ctx.http
      .get(`/api/uploads/${sessions[0].id}`)
      .set('Authorization', county.master.auth);
    expect((status.body as UploadSessionDto).error?.code).toBe('LIBRARY_FILE_TYPE_NOT_ALLOWED');

    // A real PDF named .doc is stored as what it is.
    const pdf = await attach(
      ctx,
      county.master,
      resource.id,
      '讲义.doc',
      buildPdf([{ ascii: 'Equation', cjk: '方程' }]),
    );
    expect(pdf).toEqual(expect.objectContaining({ kind: 'pdf', mime: 'application/pdf', name: '讲义.pdf' }));
    expect(await fileRows(resource.id)).toBe(1);
    expect(await stagingFiles()).toEqual([]);
  });

  it('a renamed executable is refused by its first bytes: the first small PATCH gets 415 and the staged bytes are gone', async () => {
    const resource = await createResource(ctx, county.master);
    const exe = Buffer.concat([MEDIA_SAMPLES.exe, Buffer.alloc(200_000 - MEDIA_SAMPLES.exe.length, 0x90)]);
    const path = await tusCreate(ctx, county.master, resource.id, '微课 第一课.mp4', exe.length);
    const id = path.split('/').pop() ?? '';
    expect(await stagingFiles()).toContain(id);

    const first = await tusPatch(ctx, county.master, path, 0, exe.subarray(0, 16 * 1024));
    expect(first.status).toBe(415);
    expect(first.body).toEqual(
      expect.objectContaining({ statusCode: 415, code: 'LIBRARY_FILE_TYPE_NOT_ALLOWED' }),
    );
    expect(first.body.message).toMatch(/可执行/);
    expect((await stagingFiles()).filter((f) => f.startsWith(id))).toEqual([]);
    // The upload is over: the next chunk is told why, and nothing was stored.
    const next = await tusPatch(ctx, county.master, path, 16 * 1024, exe.subarray(16 * 1024, 32 * 1024));
    expect(next.status).toBe(410);
    expect(next.body.message).toMatch(/可执行/);
    const status = await ctx.http.get(`/api/uploads/${id}`).set('Authorization', county.master.auth);
    expect((status.body as UploadSessionDto).error?.code).toBe('LIBRARY_FILE_TYPE_NOT_ALLOWED');
    expect(await fileRows(resource.id)).toBe(0);
    expect(await stagingFiles()).toEqual([]);
  });

  it('a whole-file PATCH of an executable is answered after its first bytes, without waiting for the rest', async () => {
    const resource = await createResource(ctx, county.master);
    const total = 250_000;
    const path = await tusCreate(ctx, county.master, resource.id, '课件.pptx', total);
    const id = path.split('/').pop() ?? '';
    const head = Buffer.concat([MEDIA_SAMPLES.exe, Buffer.alloc(32 * 1024 - MEDIA_SAMPLES.exe.length, 0x90)]);
    // Only the first 32 KiB of the announced 250 000 bytes are ever sent.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        path,
        method: 'PATCH',
        headers: {
          Authorization: county.master.auth,
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': '0',
          'Content-Type': 'application/offset+octet-stream',
          'Content-Length': String(total),
        },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.write(head);
    });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toEqual(
      expect.objectContaining({ statusCode: 415, code: 'LIBRARY_FILE_TYPE_NOT_ALLOWED' }),
    );
    expect((await stagingFiles()).filter((f) => f.startsWith(id))).toEqual([]);
    expect(await fileRows(resource.id)).toBe(0);
  });

  it('an allowed file sent in PATCHes smaller than its signature needs is judged once enough has arrived, and stored', async () => {
    const resource = await createResource(ctx, county.master);
    const docx = await buildDocx();
    const path = await tusCreate(ctx, county.master, resource.id, '教案.docx', docx.length);
    let offset = 0;
    let last: Awaited<ReturnType<typeof tusPatch>> | undefined;
    while (offset < docx.length) {
      const chunk = docx.subarray(offset, offset + 1500);
      last = await tusPatch(ctx, county.master, path, offset, chunk);
      expect(last.status).toBe(offset + chunk.length < docx.length ? 204 : 200);
      offset += chunk.length;
    }
    expect(last?.body).toEqual(expect.objectContaining({ kind: 'docx', name: '教案.docx' }));
    expect(await stagingFiles()).toEqual([]);
  });

  it('an empty file is refused', async () => {
    const resource = await createResource(ctx, county.master);
    const empty = await multipart(ctx, county.master, resource.id, '空.txt', Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('LIBRARY_FILE_EMPTY');
    const overTus = await tusCreateRequest(ctx, county.master, resource.id, '空.txt', 0);
    expect(overTus.status).toBe(400);
    expect(overTus.body.code).toBe('LIBRARY_FILE_EMPTY');
    expect(await fileRows(resource.id)).toBe(0);
  });

  it('file names lose paths and control characters but keep their Chinese; keys are generated from the content', async () => {
    const resource = await createResource(ctx, county.master);
    const traversal = await attach(
      ctx,
      county.master,
      resource.id,
      '../../etc/一元一次方程.txt',
      Buffer.from('路径'),
    );
    expect(traversal.name).toBe('一元一次方程.txt');
    const windows = await attach(ctx, county.master, resource.id, '..\\..\\教案.txt', Buffer.from('控制'));
    expect(windows.name).toBe('教案.txt');
    // Upload-Metadata is base64: any bytes can arrive there.
    const overTus = await tusUpload(
      ctx,
      county.master,
      resource.id,
      '/tmp/../课件\u0000\u0007\u202e\r\n第一课.md',
      Buffer.from('# 第一课\n'),
    );
    expect(overTus.status).toBe(200);
    expect(overTus.body.name).toBe('课件第一课.md');

    const res = await ctx.http
      .get(`/api/files/${windows.id}/download`)
      .set('Authorization', county.master.auth);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="file.txt"; filename*=UTF-8''%E6%95%99%E6%A1%88.txt`,
    );
    const keys = await storedObjects(ctx);
    expect(keys).toContain(`sha256/${traversal.sha256.slice(0, 2)}/${traversal.sha256}`);
    expect(keys.every((k) => /^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(k))).toBe(true);
  });

  it('an upload abandoned at 50% leaves nothing behind once collected', async () => {
    const resource = await createResource(ctx, county.master);
    const before = await storedObjects(ctx);
    const data = mp4Bytes(100_000, 9);
    const path = await tusCreate(ctx, county.master, resource.id, '半途.mp4', data.length);
    const half = await tusPatch(ctx, county.master, path, 0, data.subarray(0, 50_000));
    expect(half.status).toBe(204);
    expect(half.headers['upload-offset']).toBe('50000');
    expect((await stagingFiles()).length).toBe(2);

    const report = await gc(ctx).run({ stagingMaxAgeMs: 0, objectGraceMs: 0 });
    expect(report.uploadsAbandoned).toBe(1);
    expect(await stagingFiles()).toEqual([]);
    expect(await storedObjects(ctx)).toEqual(before);
    expect(await fileRows(resource.id)).toBe(0);
    const status = await ctx.http.get(path).set('Authorization', county.master.auth);
    expect(status.body.status).toBe('aborted');
    const resume = await tusPatch(ctx, county.master, path, 50_000, data.subarray(50_000));
    expect(resume.status).toBe(410);
  });

  it('storage failing mid-upload answers 503 STORAGE_UNAVAILABLE and records nothing', async () => {
    const resource = await createResource(ctx, county.master);
    const store = ctx.app.get(ObjectStore);
    const put = store.put.bind(store);
    // The store accepts a few chunks, then goes away.
    jest.spyOn(store, 'put').mockImplementation(async (key: string, stream: Readable, opts?: PutOptions) => {
      let seen = 0;
      async function* failing(): AsyncGenerator<Buffer> {
        for await (const chunk of stream) {
          seen += (chunk as Buffer).length;
          if (seen > 40_000) throw new StorageUnavailableError('disk unplugged');
          yield chunk as Buffer;
        }
      }
      return put(key, Readable.from(failing()), opts);
    });
    // On local disk a finished tus upload is renamed into the store instead: the disk goes then.
    jest
      .spyOn(store, 'putContentAddressedFile')
      .mockRejectedValue(new StorageUnavailableError('disk unplugged'));
    const before = await storedObjects(ctx);

    const overTus = await tusUpload(ctx, county.master, resource.id, '微课.mp4', mp4Bytes(120_000, 5));
    expect(overTus.status).toBe(503);
    expect(overTus.body).toEqual(expect.objectContaining({ statusCode: 503, code: 'STORAGE_UNAVAILABLE' }));
    const overForm = await multipart(ctx, county.master, resource.id, '微课.mp4', mp4Bytes(120_000, 6));
    expect(overForm.status).toBe(503);
    expect(overForm.body.code).toBe('STORAGE_UNAVAILABLE');

    expect(await fileRows(resource.id)).toBe(0);
    expect(await storedObjects(ctx)).toEqual(before);
    expect(await stagingFiles()).toEqual([]);
    jest.restoreAllMocks();
    // Back up: the same upload goes through.
    expect((await multipart(ctx, county.master, resource.id, '微课.mp4', mp4Bytes(120_000, 6))).status).toBe(
      201,
    );
  });

  it('no row ever points at a missing object: an object collected before the commit is stored again (tus) or refused (multipart)', async () => {
    const resource = await createResource(ctx, county.master);
    const store = ctx.app.get(ObjectStore);
    const realStat = store.stat.bind(store);
    const vanishOnce = (): void => {
      let first = true;
      jest.spyOn(store, 'stat').mockImplementation(async (key: string) => {
        const found = await realStat(key);
        if (first && found !== null && key.startsWith('sha256/')) {
          first = false;
          await store.delete(key); // as if the collector had just taken it
          return null;
        }
        return found;
      });
    };
    // An unreferenced copy of the same content is still stored (its resource was deleted): the
    // upload shares it, and the collector takes it between the upload's check and its commit.
    const data = mp4Bytes(30_000, 11);
    await store.putContentAddressed(Readable.from([data]));
    vanishOnce();
    const overTus = await tusUpload(ctx, county.master, resource.id, 'retry.mp4', data);
    expect(overTus.status).toBe(200);
    expect(sha256(await download(overTus.body.id))).toBe(sha256(data));

    jest.restoreAllMocks();
    vanishOnce();
    const other = mp4Bytes(30_000, 12);
    const overForm = await multipart(ctx, county.master, resource.id, 'refused.mp4', other);
    expect(overForm.status).toBe(503);
    expect(await fileRows(resource.id)).toBe(1);
    expect(await storedObjects(ctx)).not.toContain(`sha256/${sha256(other).slice(0, 2)}/${sha256(other)}`);
  });

  it('identical content uploaded concurrently is stored once and shared by both files', async () => {
    const colleague = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
    const mine = await createResource(ctx, county.master);
    const theirs = await createResource(ctx, colleague);
    const data = mp4Bytes(200_000, 42);
    const [a, b] = await Promise.all([
      tusUpload(ctx, county.master, mine.id, '同一个.mp4', data),
      tusUpload(ctx, colleague, theirs.id, '同一个视频.mp4', data),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.sha256).toBe(sha256(data));
    expect(b.body.sha256).toBe(sha256(data));
    expect(a.body.id).not.toBe(b.body.id);
    const key = `sha256/${sha256(data).slice(0, 2)}/${sha256(data)}`;
    expect((await storedObjects(ctx)).filter((k) => k === key)).toHaveLength(1);
    const rows = await ctx.dataSource.getRepository(ResourceFile).find({ where: { sha256: sha256(data) } });
    expect(rows.map((r) => r.objectKey)).toEqual([key, key]);
    expect(sha256(await download(a.body.id))).toBe(sha256(data));
  });

  it('text is extracted in the background from DOCX, PPTX, XLSX and PDF; a corrupt file fails once and is not retried', async () => {
    const resource = await createResource(ctx, county.master);
    const outboxBefore = Number(
      (
        await ctx.dataSource.query('SELECT count(*)::int AS n FROM resource_outbox WHERE resource_id = $1', [
          resource.id,
        ])
      )[0].n,
    );
    const docx = await attach(ctx, county.master, resource.id, '教学设计.docx', await buildDocx());
    const pptx = await attach(
      ctx,
      county.master,
      resource.id,
      '课件.pptx',
      await buildPptx([
        { title: '导入', lines: ['天平与等式'] },
        { title: '新课', lines: ['移项要变号'] },
      ]),
    );
    const xlsx = await attach(ctx, county.master, resource.id, '成绩.xlsx', await buildXlsx());
    const pdf = await attach(
      ctx,
      county.master,
      resource.id,
      '讲义.pdf',
      buildPdf([{ ascii: 'Linear equations', cjk: '一元一次方程' }], ['第一节']),
    );
    const broken = await attach(
      ctx,
      county.master,
      resource.id,
      '坏的.pdf',
      Buffer.from('%PDF-1.4\n这不是一个PDF'),
    );
    expect([docx, pptx, xlsx, pdf, broken].map((f) => f.extraction.status)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    await drainExtraction(ctx);

    const outline = async (id: string) =>
      (await ctx.http.get(`/api/files/${id}/outline`).set('Authorization', county.master.auth)).body;
    expect(await outline(docx.id)).toEqual(
      expect.objectContaining({
        status: 'done',
        outline: expect.arrayContaining(['一元一次方程', '课堂练习']),
        text: expect.stringContaining('移项得'),
      }),
    );
    expect(await outline(pptx.id)).toEqual(
      expect.objectContaining({ outline: ['导入', '新课'], text: expect.stringContaining('移项要变号') }),
    );
    expect(await outline(xlsx.id)).toEqual(
      expect.objectContaining({ outline: ['成绩表', '名单'], text: expect.stringContaining('数学成绩') }),
    );
    expect(await outline(pdf.id)).toEqual(
      expect.objectContaining({ outline: ['第一节'], text: expect.stringContaining('一元一次方程') }),
    );
    const failed = await outline(broken.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual(expect.any(String));
    const attempts = await ctx.dataSource.query(
      'SELECT extraction_attempts FROM resource_files WHERE id = $1',
      [broken.id],
    );
    expect(attempts[0].extraction_attempts).toBe(1);

    // Every attachment and every extraction told the search indexer, in the same transaction.
    const outboxAfter = Number(
      (
        await ctx.dataSource.query('SELECT count(*)::int AS n FROM resource_outbox WHERE resource_id = $1', [
          resource.id,
        ])
      )[0].n,
    );
    expect(outboxAfter - outboxBefore).toBe(5 + 4);
    const files = await filesOf(resource.id);
    expect(files.map((f) => f.extraction.status)).toEqual(['done', 'done', 'done', 'done', 'failed']);
  });

  it('files go only to the current version of a draft (or a school-level resource) of their author', async () => {
    const resource = await createResource(ctx, county.master);
    const firstVersion = resource.currentVersion?.id ?? '';
    await attach(ctx, county.master, resource.id, 'v1.txt', Buffer.from('v1'));
    await ctx.http
      .post(`/api/resources/${resource.id}/versions`)
      .set('Authorization', county.master.auth)
      .send({ note: '第二版' })
      .expect(201);
    const pinned = await ctx.http
      .post('/api/uploads')
      .set('Authorization', county.master.auth)
      .set('Tus-Resumable', '1.0.0')
      .set('Upload-Length', '5')
      .set('Upload-Metadata', tusMetadata(resource.id, 'old.txt', firstVersion));
    expect(pinned.status).toBe(409);
    expect(pinned.body.code).toBe('LIBRARY_VERSION_NOT_CURRENT');

    const notMine = await multipart(ctx, county.master, resource.id, 'x.txt', Buffer.from('x')).set(
      'Authorization',
      county.urbanAdmin.auth,
    );
    expect(notMine.status).toBe(404);
    const noForm = await ctx.http
      .post(`/api/resources/${resource.id}/files`)
      .set('Authorization', county.master.auth)
      .send({ file: 'x' });
    expect(noForm.status).toBe(400);
    expect(noForm.body.code).toBe('LIBRARY_MULTIPART_REQUIRED');
  });
});
