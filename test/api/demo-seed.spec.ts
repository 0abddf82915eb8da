import type { LessonDto, LoginResponse } from '@tongke/contracts';
import { DEMO_PASSWORD } from '../../apps/api/src/seed/demo-data.js';
import { SeedService } from '../../apps/api/src/seed/seed.service.js';
import { TestContext } from '../support/context.js';

describe('the demo county (npm start)', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx?.close());

  const login = async (email: string) => {
    const res = await ctx.http.post('/api/auth/login').send({ identifier: email, password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    return `Bearer ${(res.body as LoginResponse).accessToken}`;
  };
  const lessons = async (auth: string, days: number) => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + days * 86_400_000).toISOString();
    const res = await ctx.http
      .get(`/api/lessons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body as LessonDto[];
  };

  it('seeds once, with a weekly timetable and a lesson about to start that its people can join', async () => {
    const seed = ctx.app.get(SeedService);
    const first = await seed.seedDemo();
    expect(first.created).toBe(true);
    expect(first.logins.map((l) => l.email)).toContain('wang@demo.tongke.cn');
    expect((await seed.seedDemo()).created).toBe(false);

    // 王老师's Tuesday lessons with the three rural classrooms, each with its 助教.
    const wang = await lessons(await login('wang@demo.tongke.cn'), 15);
    const weekly = wang.filter((l) => l.title === '四年级数学 · 同步课堂');
    expect(weekly.length).toBeGreaterThanOrEqual(2);
    for (const l of weekly) {
      expect(l.classrooms).toHaveLength(3);
      for (const c of l.classrooms) expect(c.coTeachers.length).toBe(1);
    }

    // 陈老师's demonstration lesson starts within the next 20 minutes; 红岩's 助教 sees it too.
    const zhou = await login('zhou@demo.tongke.cn');
    const soon = (await lessons(zhou, 1)).find((l) => l.title === '示范课：一元一次方程');
    expect(soon).toBeDefined();
    const startsIn = new Date(soon!.startsAt).getTime() - Date.now();
    expect(startsIn).toBeGreaterThan(0);
    expect(startsIn).toBeLessThanOrEqual(20 * 60_000);
    const token = await ctx.http
      .post(`/api/lessons/${soon!.id}/join-token`)
      .set('Authorization', zhou)
      .send({ role: 'co_teacher', classroomId: soon!.classrooms[0].id });
    expect(token.status).toBe(200);
  });
});
