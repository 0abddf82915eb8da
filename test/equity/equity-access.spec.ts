import type { Response } from 'superagent';
import { TestContext, type County } from '../support/context.js';
import { buildEquityWorld, type EquityWorld } from './equity-support.js';

/** Who may see which equity figures, bad input, and the CSV exports. */
describe('equity access and export', () => {
  let ctx: TestContext;
  let w: EquityWorld;
  let other: County;

  beforeAll(async () => {
    ctx = await TestContext.create();
    w = await buildEquityWorld(ctx);
    other = await ctx.newCounty();
  });
  afterAll(() => ctx.close());

  const get = (path: string, auth?: string, query: Record<string, string> = { period: '2026-09' }) => {
    const req = ctx.http.get(path).query(query);
    return auth ? req.set('Authorization', auth) : req;
  };
  const overviewPath = () => `/api/equity/districts/${w.region.id}/overview`;

  it('the district sees its county; another county’s district admin, school admins and teachers get 404', async () => {
    expect((await get(overviewPath(), w.district.auth)).status).toBe(200);
    expect((await get(overviewPath(), (await ctx.platform()).auth)).status).toBe(200);
    for (const outsider of [other.district, w.rural1Admin, w.a]) {
      const res = await get(overviewPath(), outsider.auth);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 404, code: 'EQUITY_REGION_NOT_FOUND' }));
    }
    expect((await get(overviewPath())).status).toBe(401);
  });

  it('a school admin sees their own school only; teachers see no school figures', async () => {
    expect((await get(`/api/equity/schools/${w.rural1.id}`, w.rural1Admin.auth)).status).toBe(200);
    expect((await get(`/api/equity/schools/${w.rural1.id}`, w.district.auth)).status).toBe(200);
    const sibling = await get(`/api/equity/schools/${w.rural2.id}`, w.rural1Admin.auth);
    expect(sibling.status).toBe(404);
    expect(sibling.body.code).toBe('EQUITY_SCHOOL_NOT_FOUND');
    expect((await get(`/api/equity/schools/${w.rural1.id}`, w.a.auth)).status).toBe(404);
    expect((await get(`/api/equity/schools/${w.rural1.id}`, other.district.auth)).status).toBe(404);
  });

  it('a pairing is visible to its district and the admins of its schools only', async () => {
    const path = `/api/equity/pairings/${w.pairingId}`;
    expect((await get(path, w.district.auth)).status).toBe(200);
    expect((await get(path, w.rural1Admin.auth)).status).toBe(200);
    expect((await get(path, w.urbanAdmin.auth)).status).toBe(200);
    for (const outsider of [other.district, other.ruralAdmin, w.a, w.master]) {
      const res = await get(path, outsider.auth);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('EQUITY_PAIRING_NOT_FOUND');
    }
  });

  it('a teacher’s own activity shows only their own events', async () => {
    const mine = await get('/api/equity/me', w.b.auth);
    expect(mine.status).toBe(200);
    // b: one view and one prep session in September (c's download at the same school is not b's).
    expect(mine.body.counts).toEqual(
      expect.objectContaining({ views: 1, downloads: 0, sessionsAttended: 1 }),
    );
    const c = await get('/api/equity/me', w.c.auth);
    expect(c.body.counts).toEqual(expect.objectContaining({ views: 0, downloads: 1 }));
  });

  it('bad periods and stages are refused with 400 and a code', async () => {
    const badPeriod = await get(overviewPath(), w.district.auth, { period: '2026-13' });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body).toEqual(
      expect.objectContaining({ statusCode: 400, code: 'EQUITY_PERIOD_INVALID' }),
    );
    const winter = await get('/api/equity/me', w.a.auth, { period: '2026-winter' });
    expect(winter.status).toBe(400);
    const badStage = await get(overviewPath(), w.district.auth, { period: '2026-09', stage: 'senior' });
    expect(badStage.status).toBe(400);
    expect(badStage.body.code).toBeDefined();
    const notUuid = await get('/api/equity/schools/not-a-uuid', w.district.auth);
    expect(notUuid.status).toBe(400);
  });

  it('the junior view holds the junior school alone (too few schools to compare)', async () => {
    const res = await get(overviewPath(), w.district.auth, { period: '2026-09', stage: 'junior' });
    expect(res.body.schools.map((s: { name: string }) => s.name)).toEqual(['城关中学']);
    const q = res.body.indicators[0];
    expect(q.thresholds).toEqual({ quality: 0.45, basic: 0.55 });
    expect(q.status).toBe('insufficient_data');
  });

  const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  };

  it('exports the overview as CSV: UTF-8 with a BOM, Chinese school names, a UTF-8 file name', async () => {
    const res = await get(overviewPath(), w.district.auth, { period: '2026-09', format: 'csv' })
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent(`均衡监测-${w.region.name}-2026-09.csv`)}`,
    );
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 5)).toEqual([
      '学校',
      '城乡类型',
      '在校生数',
      '教师数',
      '人均使用优质资源数',
    ]);
    const rural1 = lines.find((l) => l.startsWith('柳溪村小学,'))!;
    // quality 2, delivered (n/a), received 85/60 → 1.4167, held 2/3 → 0.6667, attendance 1, prep 4, uploads 1
    expect(rural1.split(',')).toEqual([
      '柳溪村小学',
      '乡村',
      '200',
      '1',
      '2',
      '',
      '1.4167',
      '0.6667',
      '1',
      '4',
      '1',
    ]);
    expect(lines.find((l) => l.startsWith('差异系数,'))!.split(',')[4]).toBe('1.289');
    expect(lines.some((l) => l.startsWith('状态,,,,未达基本均衡'))).toBe(true);
    // The pairing: 3 scheduled, 2 held, 85 minutes, 2/3 held, 115/170 attended.
    const pairing = lines
      .filter((l) => l.startsWith('城关第一小学,'))
      .at(-1)!
      .split(',');
    expect(pairing.slice(2)).toEqual(['3', '2', '1.4167', '0.6667', '0.6765']);
  });

  it('exports a school, a pairing and my activity as CSV too', async () => {
    for (const [path, auth, name] of [
      [`/api/equity/schools/${w.rural2.id}`, w.district.auth, '红岩复式班'],
      [`/api/equity/pairings/${w.pairingId}`, w.rural1Admin.auth, '柳溪一年级'],
      ['/api/equity/me', w.a.auth, '2026-09'],
    ] as const) {
      const res = await get(path, auth, { period: '2026-09', format: 'csv' }).buffer(true).parse(binary);
      expect(res.status).toBe(200);
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.toString('utf8')).toContain(name);
    }
  });
});
