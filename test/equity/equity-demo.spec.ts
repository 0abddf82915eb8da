import { addMonths, monthOf, rebuildEquity } from '@tongke/analytics';
import { EquityService } from '../../apps/api/src/equity/equity.service.js';
import type { EquityDistrictOverviewDto, EquityPairingDetailDto, LoginResponse } from '@tongke/contracts';
import { DEMO_PASSWORD } from '../../apps/api/src/seed/demo-data.js';
import { SeedService } from '../../apps/api/src/seed/seed.service.js';
import { TestContext } from '../support/context.js';

/** The demo county of npm start opens on an equity dashboard with real figures. */
describe('equity dashboard of the demo county', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await TestContext.create();
    await ctx.app.get(SeedService).seedDemo();
  });
  afterAll(() => ctx?.close());

  const login = async (email: string) => {
    const res = await ctx.http.post('/api/auth/login').send({ identifier: email, password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    return res.body as LoginResponse;
  };

  it('last month has usage, joint-lesson hours, attendance and a coefficient of variation for the primary schools', async () => {
    const district = await login('district@demo.tongke.cn');
    const lastMonth = addMonths(monthOf(new Date()), -1);
    const res = await ctx.http
      .get(`/api/equity/districts/${district.user.regionId}/overview`)
      .query({ period: lastMonth })
      .set('Authorization', `Bearer ${district.accessToken}`);
    expect(res.status).toBe(200);
    const o = res.body as EquityDistrictOverviewDto;
    expect(o.region.name).toContain('青山县');
    const byKey = Object.fromEntries(o.indicators.map((i) => [i.key, i]));
    expect(byKey.quality_resources_per_teacher.weightedMean).toBeGreaterThan(0);
    expect(byKey.quality_resources_per_teacher.weightedCv).not.toBeNull();
    expect(byKey.joint_hours_received.schools.some((s) => (s.value ?? 0) > 0)).toBe(true);
    expect(byKey.attendance_rate.weightedMean).toBeGreaterThan(0.5);
    expect(byKey.attendance_rate.weightedMean).toBeLessThanOrEqual(1);
    expect(byKey.prep_participation_per_teacher.weightedMean).toBeGreaterThan(0);
  });

  it('a pairing shows lessons held against scheduled and its rural classrooms’ attendance', async () => {
    const district = await login('district@demo.tongke.cn');
    const auth = `Bearer ${district.accessToken}`;
    const pairings = await ctx.http.get('/api/pairings').set('Authorization', auth);
    const id = (pairings.body as { id: string }[])[0].id;
    const res = await ctx.http
      .get(`/api/equity/pairings/${id}`)
      .query({ period: addMonths(monthOf(new Date()), -2) })
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    const d = res.body as EquityPairingDetailDto;
    expect(d.lessons.held).toBeGreaterThan(0);
    expect(d.lessons.scheduled).toBeGreaterThanOrEqual(d.lessons.held);
    expect(d.attendance.length).toBeGreaterThan(0);
    expect(d.attendance.every((c) => c.attendanceRate !== null && c.attendanceRate <= 1)).toBe(true);
  });

  it('npm run analytics:rebuild gives the demo county the same aggregates it was built with', async () => {
    await ctx.app.get(EquityService).refreshQuality();
    const snapshot = async () =>
      Promise.all(
        [
          'SELECT * FROM equity_school_months ORDER BY school_id, month',
          'SELECT * FROM equity_pairing_months ORDER BY pairing_id, month',
          'SELECT * FROM equity_classroom_months ORDER BY classroom_id, pairing_id, month',
          'SELECT * FROM equity_school_resource_months ORDER BY school_id, month, resource_id',
        ].map((sql) => ctx.dataSource.query<unknown[]>(sql)),
      );
    const before = await snapshot();
    expect(before[0].length).toBeGreaterThan(10);
    const result = await rebuildEquity(ctx.dataSource);
    expect(result.events).toBeGreaterThan(500);
    expect(await snapshot()).toEqual(before);
  });
});
