import type { LessonDto, LoginResponse, ResourceDto, SearchResponseDto } from '@tongke/contracts';
import { DEMO_PASSWORD } from '../../apps/api/src/seed/demo-data.js';
import { SeedService } from '../../apps/api/src/seed/seed.service.js';
import { TestContext } from '../support/context.js';
import { waitFor } from '../support/library.js';

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

  it('fills the library: a rural teacher finds district materials by words inside their files, a review waits, the weekly lesson attaches the pack', async () => {
    const li = await login('li@demo.tongke.cn');
    // 「赵爽弦图」 is only in the file of 陈老师's 导学案 (text extracted, then indexed in the background).
    const found = await waitFor(
      async () =>
        (await ctx.http.get(`/api/search?q=${encodeURIComponent('赵爽弦图')}`).set('Authorization', li))
          .body as SearchResponseDto,
      (body) => body.hits.length > 0,
      60_000,
    );
    expect(found.hits[0].title).toBe('勾股定理 第1课时 导学案');
    // 赵老师's school-only courseware stays in 石桥; the pending reflection is not published.
    const all = await waitFor(
      async () =>
        (await ctx.http.get('/api/search?pageSize=50').set('Authorization', li)).body as SearchResponseDto,
      (body) => body.total >= 6,
      60_000,
    );
    const titles = all.hits.map((h) => h.title);
    expect(titles).toEqual(expect.arrayContaining(['分数的初步认识 第1课时 教学设计', '《观沧海》教学设计']));
    expect(titles).not.toContain('Unit 3 My friends 第1课时 课件');

    const admin = await login('admin.liuxi@demo.tongke.cn');
    const queue = await ctx.http.get('/api/reviews').set('Authorization', admin);
    expect(queue.status).toBe(200);
    expect((queue.body as ResourceDto[]).map((r) => r.title)).toContain('《食物的消化》教学反思');

    const wang = await lessons(await login('wang@demo.tongke.cn'), 15);
    const weekly = wang.find((l) => l.title === '四年级数学 · 同步课堂');
    expect(weekly?.attachments).toEqual([
      expect.objectContaining({ kind: 'pack', title: '分数的初步认识 · 同步课堂课前包' }),
    ]);
  });
});
