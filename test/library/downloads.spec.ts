import type { ResourceDto } from '@tongke/contracts';
import type { Response } from 'superagent';
import * as yauzl from 'yauzl';
import { TestContext, type Actor, type County } from '../support/context.js';
import {
  attach,
  buildDocx,
  buildPdf,
  createResource,
  drainExtraction,
  MEDIA_SAMPLES,
  mp4Bytes,
  publishedResource,
  sha256,
} from '../support/library.js';

function binary(res: Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, archive) => {
      if (err || !archive) return reject(err ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            archive.readEntry();
          });
        });
      });
      archive.on('end', () => resolve(out));
      archive.on('error', reject);
      archive.readEntry();
    });
  });
}

describe('library: downloads, previews and lesson packs', () => {
  let ctx: TestContext;
  let county: County;
  let colleague: Actor;
  let resource: ResourceDto;
  const data = mp4Bytes(64_000, 7);
  let fileId = '';

  beforeAll(async () => {
    ctx = await TestContext.create();
    county = await ctx.newCounty();
    colleague = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
    const published = await publishedResource(ctx, county.master, 'school', {
      file: { name: '一元一次方程 微课.mp4', data },
      overrides: { resourceType: 'micro_lecture' },
    });
    resource = published.resource;
    fileId = published.file.id;
  });
  afterAll(() => ctx.close());

  const get = (path: string, who: Actor = colleague) =>
    ctx.http.get(path).set('Authorization', who.auth).buffer(true).parse(binary);
  const downloads = async (): Promise<number> =>
    (await ctx.http.get(`/api/resources/${resource.id}`).set('Authorization', county.master.auth)).body.counts
      .downloads;

  it('streams the whole file with its hash as ETag, a Chinese file name (RFC 5987) and nosniff', async () => {
    const res = await get(`/api/files/${fileId}/download`);
    expect(res.status).toBe(200);
    expect(sha256(res.body as Buffer)).toBe(sha256(data));
    expect(res.headers['content-length']).toBe(String(data.length));
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers.etag).toBe(`"${sha256(data)}"`);
    expect(res.headers['content-type']).toBe('video/mp4');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="file.mp4"; filename*=UTF-8''${encodeURIComponent('一元一次方程 微课.mp4')}`,
    );
    const primary = await get(`/api/resources/${resource.id}/download`);
    expect(primary.status).toBe(200);
    expect(sha256(primary.body as Buffer)).toBe(sha256(data));
  });

  it('resumes with Range (206), refuses ranges past the end (416) and answers If-None-Match with 304', async () => {
    const part = await get(`/api/files/${fileId}/download`).set('Range', 'bytes=1000-1999');
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${data.length}`);
    expect(part.headers['content-length']).toBe('1000');
    expect((part.body as Buffer).equals(data.subarray(1000, 2000))).toBe(true);

    const tail = await get(`/api/files/${fileId}/download`).set('Range', 'bytes=60000-');
    expect(tail.status).toBe(206);
    expect((tail.body as Buffer).equals(data.subarray(60_000))).toBe(true);
    const suffix = await get(`/api/files/${fileId}/download`).set('Range', 'bytes=-10');
    expect((suffix.body as Buffer).equals(data.subarray(data.length - 10))).toBe(true);

    const beyond = await ctx.http
      .get(`/api/files/${fileId}/download`)
      .set('Authorization', colleague.auth)
      .set('Range', `bytes=${data.length}-`);
    expect(beyond.status).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${data.length}`);
    expect(beyond.body).toEqual(
      expect.objectContaining({ statusCode: 416, code: 'LIBRARY_RANGE_NOT_SATISFIABLE' }),
    );

    const cached = await get(`/api/files/${fileId}/download`).set('If-None-Match', `"${sha256(data)}"`);
    expect(cached.status).toBe(304);
    expect((cached.body as Buffer).length).toBe(0);
    // A stale If-Range gets the whole (changed) representation instead of a piece of it.
    const stale = await get(`/api/files/${fileId}/download`)
      .set('Range', 'bytes=0-9')
      .set('If-Range', '"old"');
    expect(stale.status).toBe(200);
    expect((stale.body as Buffer).length).toBe(data.length);
  });

  it('counts a download once: a full download or one starting at byte 0, not the resumed parts', async () => {
    const before = await downloads();
    await get(`/api/files/${fileId}/download`).expect(200);
    await get(`/api/files/${fileId}/download`).set('Range', 'bytes=0-99').expect(206);
    await get(`/api/files/${fileId}/download`).set('Range', 'bytes=100-').expect(206);
    await get(`/api/files/${fileId}/download`)
      .set('If-None-Match', `"${sha256(data)}"`)
      .expect(304);
    expect(await downloads()).toBe(before + 2);
  });

  it('previews media inline under a sandboxing CSP, with Range for seeking', async () => {
    const res = await get(`/api/files/${fileId}/preview`).set('Range', 'bytes=0-1023');
    expect(res.status).toBe(206);
    expect(res.headers['content-disposition']).toMatch(/^inline; /);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('previews PDFs and images inline; office files offer their outline (no LibreOffice here)', async () => {
    const draft = await createResource(ctx, county.master);
    const pdf = await attach(
      ctx,
      county.master,
      draft.id,
      '讲义.pdf',
      buildPdf([{ ascii: 'Lesson', cjk: '方程' }]),
    );
    const png = await attach(ctx, county.master, draft.id, '板书.png', MEDIA_SAMPLES.png);
    const docx = await attach(ctx, county.master, draft.id, '教学设计.docx', await buildDocx());
    await drainExtraction(ctx);

    const pdfPreview = await get(`/api/files/${pdf.id}/preview`, county.master);
    expect(pdfPreview.status).toBe(200);
    expect(pdfPreview.headers['content-type']).toBe('application/pdf');
    const pdfCsp = pdfPreview.headers['content-security-policy'];
    expect(pdfCsp).toContain("default-src 'none'");
    expect(pdfCsp).not.toContain('script-src');
    const pngPreview = await get(`/api/files/${png.id}/preview`, county.master);
    expect(pngPreview.headers['content-type']).toBe('image/png');
    expect(pngPreview.headers['content-security-policy']).toContain('sandbox');

    const outline = await ctx.http
      .get(`/api/files/${docx.id}/outline`)
      .set('Authorization', county.master.auth);
    expect(outline.body.outline).toEqual(expect.arrayContaining(['一元一次方程']));
    const officePreview = await ctx.http
      .get(`/api/files/${docx.id}/preview`)
      .set('Authorization', county.master.auth);
    if (outline.body.rendering.available) {
      expect(officePreview.status).toBe(200);
      expect(officePreview.headers['content-type']).toBe('application/pdf');
    } else {
      expect(outline.body.rendering.reason).toMatch(/LibreOffice/);
      expect(officePreview.status).toBe(409);
      expect(officePreview.body.code).toBe('LIBRARY_PREVIEW_NOT_AVAILABLE');
    }
  });

  it('a lesson pack downloads as one zip of the current files, in order, with Chinese names made unique', async () => {
    const second = await publishedResource(ctx, county.master, 'school', {
      file: { name: '一元一次方程 微课.mp4', data: mp4Bytes(10_000, 8) },
      overrides: { title: '一元一次方程 练习' },
    });
    const extra = Buffer.from('第二个文件');
    const third = await createResource(ctx, county.master, { title: '一元一次方程 练习' });
    await attach(ctx, county.master, third.id, '练习.txt', Buffer.from('练习一'));
    await attach(ctx, county.master, third.id, '练习.txt', extra);
    await ctx.http
      .post(`/api/resources/${third.id}/submit`)
      .set('Authorization', county.master.auth)
      .send({ visibility: 'school' })
      .expect(200);

    const pack = await ctx.http
      .post('/api/packs')
      .set('Authorization', colleague.auth)
      .send({
        title: '第三单元 第1课时',
        visibility: 'school',
        resourceIds: [resource.id, second.resource.id, third.id],
      });
    expect(pack.status).toBe(201);
    expect(pack.body.totalBytes).toBe(data.length + 10_000 + '练习一'.length * 3 + extra.length);

    const before = await downloads();
    const zip = await get(`/api/packs/${pack.body.id}/download.zip`);
    expect(zip.status).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('第三单元 第1课时.zip')}`,
    );
    const entries = await unzip(zip.body as Buffer);
    expect([...entries.keys()]).toEqual([
      `01 ${resource.title}/一元一次方程 微课.mp4`,
      '02 一元一次方程 练习/一元一次方程 微课.mp4',
      '03 一元一次方程 练习/练习.txt',
      '03 一元一次方程 练习/练习 (2).txt',
    ]);
    expect(sha256(entries.get(`01 ${resource.title}/一元一次方程 微课.mp4`) ?? Buffer.alloc(0))).toBe(
      sha256(data),
    );
    expect(entries.get('03 一元一次方程 练习/练习 (2).txt')?.toString()).toBe('第二个文件');
    expect(await downloads()).toBe(before + 1);
  });
});
