import { TestContext } from '../support/context.js';

describe('API conventions', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx.close());

  it('GET /api/health answers 200 with every component', async () => {
    const res = await ctx.http.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body.components).toEqual(
      expect.objectContaining({
        database: expect.stringMatching(/^(up|embedded)$/),
        storage: expect.stringMatching(/^(up|embedded)$/),
        search: expect.stringMatching(/^(up|embedded)$/),
        realtime: expect.any(String),
      }),
    );
  });

  it('bad bodies get 400 naming every bad field, and unknown fields are refused', async () => {
    const platform = await ctx.platform();
    const res = await ctx.http
      .post('/api/schools')
      .set('Authorization', platform.auth)
      .send({ name: '', locale: 'suburb', stages: ['kindergarten'], enrolment: -1, hacker: true });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      expect.objectContaining({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.any(String) }),
    );
    expect(Object.keys(res.body.details.fields)).toEqual(
      expect.arrayContaining(['name', 'locale', 'stages', 'enrolment', 'hacker']),
    );
  });

  it('malformed JSON gets 400 in the same shape', async () => {
    const res = await ctx.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"identifier":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      expect.objectContaining({ statusCode: 400, code: expect.any(String), message: expect.any(String) }),
    );
  });

  it('unknown API routes get 404 in the same error shape', async () => {
    const res = await ctx.http.get('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      expect.objectContaining({ statusCode: 404, code: 'NOT_FOUND', message: expect.any(String) }),
    );
  });

  it('a bad id in a path gets 400, not a 500', async () => {
    const platform = await ctx.platform();
    const res = await ctx.http.get('/api/schools/not-a-uuid').set('Authorization', platform.auth);
    expect(res.status).toBe(400);
    expect(res.body.code).toBeDefined();
  });

  it('serves OpenAPI JSON and the docs UI', async () => {
    const json = await ctx.http.get('/api/docs-json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/pairings']),
    );
    const ui = await ctx.http.get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('echoes a request id and sets security headers', async () => {
    const res = await ctx.http.get('/api/health');
    expect(res.headers['x-request-id']).toMatch(/[\w-]{8,}/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
