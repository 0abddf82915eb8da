import { TokenService } from '@tongke/auth';
import { DomainEvents } from '@tongke/common';
import type { FileLinkDto } from '@tongke/contracts';
import type { Response } from 'superagent';
import { FileLinkService } from '../../apps/api/src/library/downloads/file-links.js';
import { principalFromActor, TestContext, type Actor, type County } from '../support/context.js';
import { mp4Bytes, publishedResource, sha256 } from '../support/library.js';

function binary(res: Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('library: signed download links (the browser streams big files itself)', () => {
  let ctx: TestContext;
  let county: County;
  let colleague: Actor;
  let resourceId = '';
  let fileId = '';
  let otherFileId = '';
  const data = mp4Bytes(200_000, 3);

  beforeAll(async () => {
    ctx = await TestContext.create();
    county = await ctx.newCounty();
    colleague = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
    const video = await publishedResource(ctx, county.master, 'school', {
      file: { name: '微课 一元一次方程.mp4', data },
      overrides: { resourceType: 'micro_lecture' },
    });
    resourceId = video.resource.id;
    fileId = video.file.id;
    otherFileId = (await publishedResource(ctx, county.master, 'school')).file.id;
  });
  afterAll(() => ctx.close());

  const link = async (id: string, who: Actor = colleague, kind = 'download'): Promise<FileLinkDto> => {
    const res = await ctx.http.post(`/api/files/${id}/${kind}-link`).set('Authorization', who.auth);
    expect(res.status).toBe(201);
    return res.body as FileLinkDto;
  };
  /** A request with no Authorization header: only what the link carries. */
  const open = (url: string) => ctx.http.get(url).buffer(true).parse(binary);
  const downloads = async (): Promise<number> =>
    (await ctx.http.get(`/api/resources/${resourceId}`).set('Authorization', county.master.auth)).body.counts
      .downloads as number;
  /** The `{ statusCode, code, message }` body of a refused request (read as bytes by `open`). */
  const errorOf = (res: Response): { statusCode: number; code: string; message: string } =>
    JSON.parse((res.body as Buffer).toString('utf8')) as {
      statusCode: number;
      code: string;
      message: string;
    };
  const sigOf = (url: string): string => new URL(url, 'http://x').searchParams.get('sig') ?? '';

  it('issues a link valid for about five minutes that downloads the file without an Authorization header', async () => {
    const before = Date.now();
    const issued = await link(fileId);
    expect(issued.url).toMatch(new RegExp(`^/api/files/${fileId}/download\\?sig=[\\w.-]+$`));
    const lifetime = Date.parse(issued.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(4 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(5 * 60_000 + 1000);

    const res = await open(issued.url);
    expect(res.status).toBe(200);
    expect(sha256(res.body as Buffer)).toBe(sha256(data));
    expect(res.headers['content-disposition']).toMatch(/^attachment; /);
    expect(res.headers.etag).toBe(`"${sha256(data)}"`);
  });

  it('lets the browser resume with Range and If-Range, and counts the download once per link', async () => {
    const before = await downloads();
    const { url } = await link(fileId);
    const first = await open(url).set('Range', 'bytes=0-49999');
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-49999/${data.length}`);
    const rest = await open(url)
      .set('Range', 'bytes=50000-')
      .set('If-Range', `"${sha256(data)}"`);
    expect(rest.status).toBe(206);
    expect(sha256(Buffer.concat([first.body as Buffer, rest.body as Buffer]))).toBe(sha256(data));
    // Starting over with the same link (a video seeking back to 0) is the same download.
    expect((await open(url).set('Range', 'bytes=0-9')).status).toBe(206);
    expect(await downloads()).toBe(before + 1);
    expect((await open((await link(fileId)).url)).status).toBe(200);
    expect(await downloads()).toBe(before + 2);
  });

  it('preview links play inline with range requests and count one preview per link', async () => {
    const previews: string[] = [];
    const stop = ctx.app.get(DomainEvents).on('resource.previewed', (e) => {
      previews.push(e.fileId);
    });
    try {
      const { url } = await link(fileId, colleague, 'preview');
      expect(url).toMatch(new RegExp(`^/api/files/${fileId}/preview\\?sig=`));
      const head = await open(url).set('Range', 'bytes=0-65535');
      expect(head.status).toBe(206);
      expect(head.headers['content-disposition']).toMatch(/^inline; /);
      expect(head.headers['content-security-policy']).toContain('sandbox');
      expect((await open(url).set('Range', 'bytes=150000-')).status).toBe(206);
      expect((await open(url).set('Range', 'bytes=0-65535')).status).toBe(206);
      expect(previews).toEqual([fileId]);
      // A preview link is not a download link, and the other way round.
      const wrongUse = await open(url.replace('/preview?', '/download?'));
      expect(wrongUse.status).toBe(401);
      expect(errorOf(wrongUse)).toMatchObject({ statusCode: 401, code: 'LIBRARY_LINK_INVALID' });
    } finally {
      stop();
    }
  });

  it('refuses forged, tampered and other-file links with a clear error', async () => {
    const { url } = await link(fileId);
    const sig = sigOf(url);
    const forged = await open(`/api/files/${fileId}/download?sig=${sig.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(errorOf(forged)).toMatchObject({ statusCode: 401, code: 'LIBRARY_LINK_INVALID' });
    expect(errorOf(forged).message).toMatch(/new link/);

    const accessTokenAsSig = await open(`/api/files/${fileId}/download?sig=${colleague.token}`);
    expect(accessTokenAsSig.status).toBe(401);
    expect(errorOf(accessTokenAsSig).code).toBe('LIBRARY_LINK_INVALID');

    const otherFile = await open(`/api/files/${otherFileId}/download?sig=${sig}`);
    expect(otherFile.status).toBe(403);
    expect(errorOf(otherFile)).toMatchObject({
      statusCode: 403,
      code: 'LIBRARY_LINK_WRONG_FILE',
      message: 'This link is for another file',
    });

    const none = await open(`/api/files/${fileId}/download`);
    expect(none.status).toBe(401);
    expect(errorOf(none)).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
  });

  it('refuses to start a download after five minutes, but lets a started one resume', async () => {
    const links = ctx.app.get(FileLinkService);
    const me = principalFromActor(colleague);
    const stale = links.issue(me, fileId, 'download', Date.now() - 6 * 60_000);
    const fresh = await open(stale.url);
    expect(fresh.status).toBe(401);
    expect(errorOf(fresh)).toMatchObject({ statusCode: 401, code: 'LIBRARY_LINK_EXPIRED' });
    expect(errorOf(fresh).message).toMatch(/expired/);
    expect((await open(stale.url).set('Range', 'bytes=0-99')).status).toBe(401);

    const resumed = await open(stale.url)
      .set('Range', 'bytes=100000-')
      .set('If-Range', `"${sha256(data)}"`);
    expect(resumed.status).toBe(206);
    expect(sha256(resumed.body as Buffer)).toBe(sha256(data.subarray(100000)));
    // If the file is not the one the download started with, If-Range asks for all of it: refused.
    const changed = await open(stale.url).set('Range', 'bytes=100000-').set('If-Range', '"another"');
    expect(changed.status).toBe(401);

    // Past the resume window the token itself has expired.
    const dead = ctx.app
      .get(TokenService)
      .signTyped('file-download', { sub: me.userId, fid: fileId, jti: 'x', sb: 0 }, -60);
    const gone = await open(`/api/files/${fileId}/download?sig=${dead}`).set('Range', 'bytes=100000-');
    expect(gone.status).toBe(401);
    expect(errorOf(gone).code).toBe('LIBRARY_LINK_INVALID');
  });

  it('gives no link to someone who may not read the file (404), nor for a file that does not exist', async () => {
    const outsider = await ctx.http
      .post(`/api/files/${fileId}/download-link`)
      .set('Authorization', county.ruralTeacher.auth);
    expect(outsider.status).toBe(404);
    expect(outsider.body).toMatchObject({ statusCode: 404, code: 'LIBRARY_FILE_NOT_FOUND' });
    const missing = await ctx.http
      .post('/api/files/00000000-0000-4000-8000-000000000000/preview-link')
      .set('Authorization', colleague.auth);
    expect(missing.status).toBe(404);
    const anonymous = await ctx.http.post(`/api/files/${fileId}/download-link`);
    expect(anonymous.status).toBe(401);
  });

  it('re-checks access when the link is used: a link to a withdrawn resource stops working', async () => {
    const own = await publishedResource(ctx, county.master, 'school');
    const { url } = await link(own.file.id);
    const removed = await ctx.http
      .delete(`/api/resources/${own.resource.id}`)
      .set('Authorization', county.master.auth);
    expect(removed.status).toBe(204);
    const res = await open(url);
    expect(res.status).toBe(404);
    expect(errorOf(res)).toMatchObject({ statusCode: 404, code: 'LIBRARY_FILE_NOT_FOUND' });
  });
});
