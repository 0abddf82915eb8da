import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { ObjectStore } from '@tongke/storage';
import { TestContext, type County } from '../support/context.js';
import {
  attach,
  createResource,
  gc,
  librarySettings,
  mp4Bytes,
  multipart,
  sha256,
  storedObjects,
  tusCreate,
  tusPatch,
} from '../support/library.js';

/** The same flows against an S3 server (s3rver in-process, standing in for MinIO). */
describe('library on S3 storage', () => {
  let ctx: TestContext;
  let county: County;
  let s3: S3rver;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tongke-lib-s3-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
    const { port } = await s3.run();
    ctx = await TestContext.create({
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY: 'S3RVER',
      S3_SECRET_KEY: 'S3RVER',
      S3_BUCKET: 'tongke-library-test',
    });
    county = await ctx.newCounty();
  });
  afterAll(async () => {
    await ctx.close();
    await s3.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('uses the S3 adapter and reports it healthy', async () => {
    expect(ctx.app.get(ObjectStore).kind).toBe('s3');
    const health = await ctx.http.get('/api/health');
    expect(health.body.components.storage).toBe('up');
  });

  it('a resumable upload lands in the bucket and streams back through the API with Range', async () => {
    const resource = await createResource(ctx, county.master, { resourceType: 'micro_lecture' });
    const data = mp4Bytes(180_000, 21);
    const path = await tusCreate(ctx, county.master, resource.id, '微课.mp4', data.length);
    expect((await tusPatch(ctx, county.master, path, 0, data.subarray(0, 100_000))).status).toBe(204);
    const done = await tusPatch(ctx, county.master, path, 100_000, data.subarray(100_000));
    expect(done.status).toBe(200);
    expect(done.body.sha256).toBe(sha256(data));
    expect(await storedObjects(ctx)).toContain(`sha256/${sha256(data).slice(0, 2)}/${sha256(data)}`);

    const part = await ctx.http
      .get(`/api/files/${done.body.id}/download`)
      .set('Authorization', county.master.auth)
      .set('Range', 'bytes=100-199')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(part.status).toBe(206);
    expect((part.body as Buffer).equals(data.subarray(100, 200))).toBe(true);
  });

  it('can hand out a short-lived presigned URL instead of proxying (when configured)', async () => {
    const resource = await createResource(ctx, county.master);
    const file = await attach(ctx, county.master, resource.id, '学案.txt', Buffer.from('导学案内容'));
    librarySettings(ctx).downloadRedirect = true;
    try {
      const res = await ctx.http
        .get(`/api/files/${file.id}/download`)
        .set('Authorization', county.master.auth)
        .redirects(0);
      expect(res.status).toBe(302);
      const url = new URL(res.headers.location);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
      const direct = await fetch(url);
      expect(direct.status).toBe(200);
      expect(await direct.text()).toBe('导学案内容');
      expect(direct.headers.get('content-disposition')).toContain(encodeURIComponent('学案.txt'));
      // Ranged requests (resuming) are still served by the API.
      const ranged = await ctx.http
        .get(`/api/files/${file.id}/download`)
        .set('Authorization', county.master.auth)
        .set('Range', 'bytes=0-2')
        .redirects(0);
      expect(ranged.status).toBe(206);
      // And nobody else gets a URL for what they may not see.
      expect(
        (
          await ctx.http
            .get(`/api/files/${file.id}/download`)
            .set('Authorization', county.ruralTeacher.auth)
            .redirects(0)
        ).status,
      ).toBe(404);
    } finally {
      librarySettings(ctx).downloadRedirect = false;
    }
  });

  it('collects unreferenced objects in the bucket', async () => {
    const resource = await createResource(ctx, county.master);
    const data = mp4Bytes(4000, 31);
    await attach(ctx, county.master, resource.id, '删除.mp4', data);
    await ctx.http
      .delete(`/api/resources/${resource.id}`)
      .set('Authorization', county.master.auth)
      .expect(204);
    await gc(ctx).run({ objectGraceMs: 0 });
    expect(await storedObjects(ctx)).not.toContain(`sha256/${sha256(data).slice(0, 2)}/${sha256(data)}`);
  });

  it('when the S3 server goes away, uploads answer 503 and nothing is recorded', async () => {
    const resource = await createResource(ctx, county.master);
    await s3.close();
    const res = await multipart(ctx, county.master, resource.id, '课件.mp4', mp4Bytes(20_000, 41));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('STORAGE_UNAVAILABLE');
    const rows = await ctx.dataSource.query(
      'SELECT count(*)::int AS n FROM resource_files WHERE resource_id = $1',
      [resource.id],
    );
    expect(rows[0].n).toBe(0);
    const health = await ctx.http.get('/api/health');
    expect(health.body.components.storage).toBe('down');
  });
});
