import { jest } from '@jest/globals';
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainEvents } from '@tongke/common';
import type { ResourceDto, ResourceFileDto, UploadSessionDto } from '@tongke/contracts';
import { ResourceFile, UploadSession } from '@tongke/database';
import { UploadStaging } from '../../apps/api/src/library/uploads/upload-staging.js';
import { TestContext, type County } from '../support/context.js';
import {
  attach,
  createResource,
  mp4Bytes,
  sha256,
  storedObjects,
  tusCreate,
  tusCreateRequest,
  tusPatch,
} from '../support/library.js';

/**
 * The database round trips of a tus upload, counted per request: what the upload path relies on
 * to stay short (the session checked and touched in one statement, the target checked in one
 * query while the body arrives, the file row, resource touch, outbox row and session completion
 * in one statement of the commit's transaction). Statements are attributed to the request whose
 * handling issued them (AsyncLocalStorage around the HTTP server's request handler), so
 * background jobs do not count; domain event listeners (search indexing, analytics) are not run.
 */
describe('library: SQL statements of a tus upload', () => {
  let ctx: TestContext;
  let county: County;
  const requests = new AsyncLocalStorage<string[]>();

  beforeAll(async () => {
    ctx = await TestContext.create();
    county = await ctx.newCounty();
    const server = ctx.app.getHttpServer();
    const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const statements: string[] = [];
      res.on('finish', () => traced.push({ method: req.method ?? '', url: req.url ?? '', statements }));
      requests.run(statements, () => handlers.forEach((h) => h(req, res)));
    });
    const logger = ctx.dataSource.logger;
    const original = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      requests.getStore()?.push(query.replace(/\s+/g, ' ').trim());
      return original(query, parameters, runner);
    };
  });
  afterAll(() => ctx.close());

  const traced: { method: string; url: string; statements: string[] }[] = [];
  const statementsOf = (method: string): string[] => {
    const entry = traced.find((t) => t.method === method && t.url.startsWith('/api/uploads'));
    if (!entry) throw new Error(`no ${method} traced`);
    return entry.statements;
  };

  it('a whole-file upload takes 2 statements to create and 8 to send, the session completed in the commit', async () => {
    const resource = await createResource(ctx, county.master, { resourceType: 'micro_lecture' });
    jest.spyOn(ctx.app.get(DomainEvents), 'publish').mockImplementation(() => undefined);
    const data = mp4Bytes(200_000, 11);
    traced.length = 0;
    const path = await tusCreate(ctx, county.master, resource.id, '微课.mp4', data.length);
    const res = await tusPatch(ctx, county.master, path, 0, data);
    jest.restoreAllMocks();
    expect(res.status).toBe(200);
    const file = res.body as ResourceFileDto;

    const post = statementsOf('POST');
    const patch = statementsOf('PATCH');
    const show = (list: string[]): string => list.map((s) => s.slice(0, 120)).join('\n');
    // POST: the target and its file count in one query, then the session row.
    expect({ count: post.length, post: show(post) }).toEqual({ count: 2, post: expect.any(String) });
    expect(post[0]).toMatch(/^SELECT .*COUNT\(\*\).* FROM "resources"/);
    expect(post[1]).toMatch(/^INSERT INTO "upload_sessions"/);
    // PATCH: session checked and touched; target checked (while the body arrives); marked
    // processing; one transaction: key lock, resource row lock, the one writing statement.
    expect({ count: patch.length, patch: show(patch) }).toEqual({ count: 8, patch: expect.any(String) });
    expect(patch[0]).toMatch(/^UPDATE upload_sessions SET updated_at = now\(\) .* RETURNING \*$/);
    expect(patch.filter((s) => /FROM "upload_sessions"/.test(s))).toEqual([]);
    const begin = patch.indexOf('START TRANSACTION');
    expect(begin).toBeGreaterThan(0);
    expect(patch.slice(begin + 1)).toEqual([
      expect.stringMatching(/pg_advisory_xact_lock/),
      expect.stringMatching(/FROM "resources" .*FOR UPDATE/),
      expect.stringMatching(
        /^WITH .*INSERT INTO resource_files .*UPDATE resources .*INSERT INTO resource_outbox .*UPDATE upload_sessions SET status = 'completed'/,
      ),
      'COMMIT',
    ]);

    const session = await ctx.http
      .get(path)
      .set('Authorization', county.master.auth)
      .then((r) => r.body as UploadSessionDto);
    expect(session).toEqual(expect.objectContaining({ status: 'completed', fileId: file.id }));
    const row = await ctx.dataSource.getRepository(ResourceFile).findOneByOrFail({ id: file.id });
    expect(row).toEqual(
      expect.objectContaining({ resourceId: resource.id, size: data.length, position: 0, kind: 'mp4' }),
    );
    // The answer is made from the row the commit's statement returned, as it is stored.
    expect(file).toEqual(
      expect.objectContaining({
        id: row.id,
        size: data.length,
        sha256: sha256(data),
        name: '微课.mp4',
        createdAt: row.createdAt.toISOString(),
        extraction: { status: 'skipped', truncated: false },
      }),
    );
    const outbox: unknown[] = await ctx.dataSource.query(
      'SELECT 1 FROM resource_outbox WHERE resource_id = $1',
      [resource.id],
    );
    expect(outbox.length).toBeGreaterThan(0);
  });

  it('a full version refuses the upload in the commit even when it had room at creation: nothing is left behind', async () => {
    const resource = await createResource(ctx, county.master);
    for (let i = 0; i < 19; i += 1)
      await attach(ctx, county.master, resource.id, `第${i}页.txt`, Buffer.from(`第${i}页 ${resource.id}`));
    // Both are created while the version has room for one more file.
    const data = [mp4Bytes(100_000, 21), mp4Bytes(100_000, 22)];
    const paths = [
      await tusCreate(ctx, county.master, resource.id, 'a.mp4', data[0].length),
      await tusCreate(ctx, county.master, resource.id, 'b.mp4', data[1].length),
    ];
    const first = await tusPatch(ctx, county.master, paths[0], 0, data[0]);
    expect(first.status).toBe(200);
    const second = await tusPatch(ctx, county.master, paths[1], 0, data[1]);
    expect(second.status).toBe(409);
    expect(second.body).toEqual(expect.objectContaining({ code: 'LIBRARY_TOO_MANY_FILES' }));

    const status = await ctx.http
      .get(paths[1])
      .set('Authorization', county.master.auth)
      .then((r) => r.body as UploadSessionDto);
    expect(status).toEqual(expect.objectContaining({ status: 'failed', fileId: null }));
    const shown = await ctx.http
      .get(`/api/resources/${resource.id}`)
      .set('Authorization', county.master.auth)
      .then((r) => r.body as ResourceDto);
    const files = shown.currentVersion?.files ?? [];
    expect(files).toHaveLength(20);
    const positions: { position: number }[] = await ctx.dataSource.query(
      'SELECT position FROM resource_files WHERE resource_id = $1 ORDER BY position',
      [resource.id],
    );
    expect(positions.map((r) => r.position)).toEqual([...Array(20).keys()]);
    // The refused upload's object is gone (its content was stored nowhere else).
    expect((await storedObjects(ctx)).filter((key) => key.endsWith(sha256(data[1])))).toEqual([]);
    expect((await storedObjects(ctx)).filter((key) => key.endsWith(sha256(data[0])))).toHaveLength(1);
  });

  it('a creation whose session row cannot be written is refused and leaves no staged file', async () => {
    const resource = await createResource(ctx, county.master, { resourceType: 'micro_lecture' });
    const staging = ctx.app.get(UploadStaging);
    const before = await readdir(staging.directory);
    jest
      .spyOn(ctx.dataSource.getRepository(UploadSession), 'insert')
      .mockRejectedValueOnce(new Error('database went away'));
    const res = await tusCreateRequest(ctx, county.master, resource.id, 'a.mp4', 1000);
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(await readdir(staging.directory)).toEqual(before);
    // The next creation works.
    jest.restoreAllMocks();
    await tusCreate(ctx, county.master, resource.id, 'a.mp4', 1000);
  });
});
