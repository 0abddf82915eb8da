import { DomainEvents } from '@tongke/common';
import type {
  DomainEventMap,
  GroupMemberCandidateDto,
  PlanDto,
  PlanningSessionDto,
  PlanPostDto,
  ResearchGroupDetailDto,
  ResearchGroupDto,
} from '@tongke/contracts';
import { TestContext, type Actor, type County } from '../support/context.js';
import { connectPlanning, newPlan, startClassroom, type Classroom } from './support/planning-harness.js';

describe('planning: teaching-research groups, plans, sessions', () => {
  let ctx: TestContext;
  let county: County;
  let other: County;
  let classroom: Classroom;
  const as = (a: Actor) => ({
    get: (path: string) => ctx.http.get(path).set('Authorization', a.auth),
    post: (path: string, body?: object) => ctx.http.post(path).set('Authorization', a.auth).send(body),
    patch: (path: string, body: object) => ctx.http.patch(path).set('Authorization', a.auth).send(body),
    delete: (path: string) => ctx.http.delete(path).set('Authorization', a.auth),
  });

  beforeAll(async () => {
    ctx = await TestContext.create();
    [county, other] = [await ctx.newCounty(), await ctx.newCounty()];
    classroom = await startClassroom(ctx.config);
  });
  afterAll(async () => {
    await classroom?.close();
    await ctx?.close();
  });

  it('a master teacher starts a group and leads it; the lead invites teachers of any school of the county, and observers', async () => {
    const created = await as(county.master).post('/api/research-groups', {
      name: '七年级数学教研组',
      subject: 'math',
      stage: 'junior',
    });
    expect(created.status).toBe(201);
    const group = created.body as ResearchGroupDetailDto;
    expect(group).toMatchObject({
      regionId: county.region.id,
      lead: { id: county.master.user.id },
      myRole: 'lead',
      memberCount: 1,
    });

    const add = (userId: string, role: 'member' | 'observer', by = county.master) =>
      as(by).post(`/api/research-groups/${group.id}/members`, { userId, role });
    expect((await add(county.ruralTeacher.user.id, 'member')).status).toBe(200);
    // A school admin may observe but not edit; someone from another county may not join at all.
    expect((await add(county.ruralAdmin.user.id, 'member')).body.code).toBe(
      'RESEARCH_GROUP_MEMBER_NOT_TEACHER',
    );
    expect((await add(county.ruralAdmin.user.id, 'observer')).status).toBe(200);
    expect((await add(other.ruralTeacher.user.id, 'member')).body.code).toBe('RESEARCH_GROUP_USER_INVALID');
    // Members do not invite.
    const third = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
    expect((await add(third.user.id, 'member', county.ruralTeacher)).status).toBe(403);
    // The lead picks teachers from a list of the county's teachers not yet in the group, with their
    // school; members do not get that list.
    const candidates = await as(county.master).get(`/api/research-groups/${group.id}/member-candidates`);
    expect(candidates.status).toBe(200);
    const listed = candidates.body as GroupMemberCandidateDto[];
    expect(listed.find((c) => c.user.id === third.user.id)).toEqual({
      user: { id: third.user.id, displayName: third.user.displayName, schoolId: county.urban.id },
      schoolName: county.urban.name,
    });
    const listedIds = listed.map((c) => c.user.id);
    for (const id of [county.master.user.id, county.ruralTeacher.user.id, county.ruralAdmin.user.id])
      expect(listedIds).not.toContain(id);
    expect(listedIds).not.toContain(other.ruralTeacher.user.id);
    expect(
      (await as(county.ruralTeacher).get(`/api/research-groups/${group.id}/member-candidates`)).status,
    ).toBe(403);

    const detail = (await as(county.ruralTeacher).get(`/api/research-groups/${group.id}`))
      .body as ResearchGroupDetailDto;
    expect(detail.myRole).toBe('member');
    expect(detail.members.map((m) => [m.user.id, m.role])).toEqual([
      [county.master.user.id, 'lead'],
      [county.ruralTeacher.user.id, 'member'],
      [county.ruralAdmin.user.id, 'observer'],
    ]);
    // Visible to its people and the county's district admin; not to others.
    const mine = (await as(county.ruralTeacher).get('/api/research-groups')).body as ResearchGroupDto[];
    expect(mine.map((x) => x.id)).toContain(group.id);
    const district = (await as(county.district).get('/api/research-groups')).body as ResearchGroupDto[];
    expect(district.find((x) => x.id === group.id)?.myRole).toBeNull();
    expect((await as(third).get(`/api/research-groups/${group.id}`)).status).toBe(404);
    expect((await as(other.district).get(`/api/research-groups/${group.id}`)).status).toBe(404);
    expect(
      ((await as(other.district).get('/api/research-groups')).body as ResearchGroupDto[]).map((x) => x.id),
    ).not.toContain(group.id);
  });

  it('only district admins and master teachers create groups; subjects must be taught at the stage', async () => {
    expect(
      (
        await as(county.ruralTeacher).post('/api/research-groups', {
          name: '组',
          subject: 'math',
          stage: 'junior',
        })
      ).status,
    ).toBe(403);
    const bad = await as(county.district).post('/api/research-groups', {
      name: '组',
      subject: 'science',
      stage: 'junior',
      leadId: county.master.user.id,
    });
    expect(bad.body.code).toBe('PLAN_CURRICULUM_INVALID');
    const byDistrict = await as(county.district).post('/api/research-groups', {
      name: '乡村小学科学教研组',
      subject: 'science',
      stage: 'primary',
      leadId: county.ruralTeacher.user.id,
    });
    expect(byDistrict.status).toBe(201);
    expect(byDistrict.body).toMatchObject({ lead: { id: county.ruralTeacher.user.id }, myRole: null });
    const foreignLead = await as(county.district).post('/api/research-groups', {
      name: '组',
      subject: 'math',
      stage: 'junior',
      leadId: other.master.user.id,
    });
    expect(foreignLead.body.code).toBe('RESEARCH_GROUP_USER_INVALID');

    // The district admin hands the group to another teacher; the old lead stays as a member.
    const handed = await as(county.district).patch(`/api/research-groups/${byDistrict.body.id}`, {
      leadId: county.master.user.id,
    });
    expect(handed.status).toBe(200);
    expect(handed.body.lead.id).toBe(county.master.user.id);
    expect(
      handed.body.members.find((m: { user: { id: string } }) => m.user.id === county.ruralTeacher.user.id)
        .role,
    ).toBe('member');
    expect(
      (
        await as(county.master).patch(`/api/research-groups/${byDistrict.body.id}`, {
          leadId: county.ruralTeacher.user.id,
        })
      ).status,
    ).toBe(403);
  });

  it('members create plans at a valid curriculum position; the group page lists plans, sessions and a discussion per plan', async () => {
    const group = (
      await as(county.master).post('/api/research-groups', {
        name: '八年级数学组',
        subject: 'math',
        stage: 'junior',
      })
    ).body as ResearchGroupDetailDto;
    const observer = await ctx.newTeacher(county.urbanAdmin, county.urban.id);
    await as(county.master).post(`/api/research-groups/${group.id}/members`, {
      userId: county.ruralTeacher.user.id,
      role: 'member',
    });
    await as(county.master).post(`/api/research-groups/${group.id}/members`, {
      userId: observer.user.id,
      role: 'observer',
    });
    const base = {
      title: '勾股定理',
      grade: '八年级',
      edition: 'pep',
      volume: 'second',
      unit: '第十七章 勾股定理',
      lessonPeriod: 2,
    };

    const wrong = await as(county.ruralTeacher).post(`/api/research-groups/${group.id}/plans`, {
      ...base,
      grade: '高一',
      edition: 'nope',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('PLAN_CURRICULUM_INVALID');
    expect(wrong.body.message).toContain('高一');
    expect((await as(observer).post(`/api/research-groups/${group.id}/plans`, base)).status).toBe(403);
    const created = await as(county.ruralTeacher).post(`/api/research-groups/${group.id}/plans`, base);
    expect(created.status).toBe(201);
    const plan = created.body as PlanDto;
    expect(plan).toMatchObject({
      groupId: group.id,
      myAccess: 'editor',
      headSeq: 0,
      curriculum: {
        subject: 'math',
        stage: 'junior',
        grade: '八年级',
        edition: 'pep',
        volume: 'second',
        lessonPeriod: 2,
      },
    });
    const renamed = await as(county.master).patch(`/api/plans/${plan.id}`, {
      unit: '第十七章 勾股定理（复习）',
    });
    expect(renamed.body.curriculum.unit).toBe('第十七章 勾股定理（复习）');
    expect((await as(observer).patch(`/api/plans/${plan.id}`, { title: '改名' })).status).toBe(403);
    const listed = (await as(observer).get(`/api/research-groups/${group.id}/plans`)).body as PlanDto[];
    expect(listed.map((p) => [p.id, p.myAccess])).toEqual([[plan.id, 'observer']]);

    // The discussion thread is open to observers too.
    expect(
      (await as(observer).post(`/api/plans/${plan.id}/posts`, { body: '建议增加赵爽弦图的介绍' })).status,
    ).toBe(201);
    expect(
      (await as(county.ruralTeacher).post(`/api/plans/${plan.id}/posts`, { body: '同意，放在导入环节' }))
        .status,
    ).toBe(201);
    const thread = (await as(county.master).get(`/api/plans/${plan.id}/posts`)).body as PlanPostDto[];
    expect(thread.map((p) => [p.author.id, p.body])).toEqual([
      [observer.user.id, '建议增加赵爽弦图的介绍'],
      [county.ruralTeacher.user.id, '同意，放在导入环节'],
    ]);
  });

  it('the lead schedules a collective preparation session with an agenda, participants check in while it runs, the lead records minutes', async () => {
    const group = (
      await as(county.master).post('/api/research-groups', {
        name: '九年级数学组',
        subject: 'math',
        stage: 'junior',
      })
    ).body as ResearchGroupDetailDto;
    await as(county.master).post(`/api/research-groups/${group.id}/members`, {
      userId: county.ruralTeacher.user.id,
      role: 'member',
    });
    const plan = (
      await as(county.master).post(`/api/research-groups/${group.id}/plans`, {
        title: '二次函数',
        grade: '九年级',
        edition: 'pep',
        volume: 'first',
        unit: '第二十二章 二次函数',
        lessonPeriod: 1,
      })
    ).body as PlanDto;
    const jointLessonId = '0b9f2a52-2d5e-4c55-9a52-4f1f0f7f6a10';
    const session = {
      planId: plan.id,
      title: '二次函数集体备课',
      scheduledAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      durationMinutes: 60,
      agenda: '1. 主备人说课 2. 研讨 3. 分工修改',
      jointLessonId,
    };
    expect(
      (await as(county.ruralTeacher).post(`/api/research-groups/${group.id}/sessions`, session)).status,
    ).toBe(403);
    const created = await as(county.master).post(`/api/research-groups/${group.id}/sessions`, session);
    expect(created.status).toBe(201);
    const s = created.body as PlanningSessionDto;
    expect(s).toMatchObject({
      planId: plan.id,
      jointLessonId,
      agenda: session.agenda,
      minutes: null,
      attendees: [],
    });

    const attended: DomainEventMap['planning.session_attended'][] = [];
    const off = ctx.app.get(DomainEvents).on('planning.session_attended', (e) => void attended.push(e));
    try {
      const checkIn = await as(county.ruralTeacher).post(`/api/planning-sessions/${s.id}/attend`);
      expect(checkIn.status).toBe(200);
      expect((await as(county.ruralTeacher).post(`/api/planning-sessions/${s.id}/attend`)).status).toBe(200);
      expect((await as(county.master).post(`/api/planning-sessions/${s.id}/attend`)).status).toBe(200);
      await ctx.app.get(DomainEvents).drain();
      expect(attended.map((e) => e.userId).sort()).toEqual(
        [county.master.user.id, county.ruralTeacher.user.id].sort(),
      );
      expect(attended[0]).toMatchObject({
        sessionId: s.id,
        groupId: group.id,
        planId: plan.id,
        regionId: county.region.id,
      });
    } finally {
      off();
    }
    // The district admin supervises but does not take part; outsiders do not see it.
    expect((await as(county.district).post(`/api/planning-sessions/${s.id}/attend`)).status).toBe(403);
    expect((await as(other.district).get(`/api/planning-sessions/${s.id}`)).status).toBe(404);

    const later = await as(county.master).post(`/api/research-groups/${group.id}/sessions`, {
      ...session,
      title: '下周备课',
      scheduledAt: new Date(Date.now() + 7 * 24 * 3600_000).toISOString(),
    });
    const early = await as(county.ruralTeacher).post(`/api/planning-sessions/${later.body.id}/attend`);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('PLANNING_SESSION_NOT_OPEN');

    const minuted = await as(county.master).patch(`/api/planning-sessions/${s.id}`, {
      minutes: '确定导入用喷泉情境；例2改为生活实例',
    });
    expect(minuted.body.minutes).toBe('确定导入用喷泉情境；例2改为生活实例');
    const listed = (await as(county.district).get(`/api/research-groups/${group.id}/sessions`))
      .body as PlanningSessionDto[];
    expect(listed.map((x) => [x.title, x.attendees.length])).toEqual([
      ['下周备课', 0],
      ['二次函数集体备课', 2],
    ]);
  });

  it('a member removed from the group loses the plan at once, over the API and the socket', async () => {
    const group = (
      await as(county.master).post('/api/research-groups', {
        name: '临时组',
        subject: 'math',
        stage: 'junior',
      })
    ).body as ResearchGroupDetailDto;
    const leaver = await ctx.newTeacher(county.ruralAdmin, county.rural.id);
    await as(county.master).post(`/api/research-groups/${group.id}/members`, {
      userId: leaver.user.id,
      role: 'member',
    });
    const plan = await newPlan(ctx, {
      county,
      group,
      lead: county.master,
      members: [],
      observer: leaver,
      outsider: leaver,
    });
    expect((await as(leaver).get(`/api/plans/${plan.id}/content`)).status).toBe(200);

    expect(
      (await as(county.master).delete(`/api/research-groups/${group.id}/members/${leaver.user.id}`)).status,
    ).toBe(204);
    expect(
      (await as(county.master).delete(`/api/research-groups/${group.id}/members/${county.master.user.id}`))
        .status,
    ).toBe(400);
    expect((await as(leaver).get(`/api/plans/${plan.id}/content`)).status).toBe(404);
    const socket = connectPlanning(classroom, leaver);
    try {
      const join = await socket.timeout(10_000).emitWithAck('join', { planId: plan.id });
      expect(join.ok ? 'joined' : join.error.code).toBe('PLAN_NOT_FOUND');
    } finally {
      socket.disconnect();
    }
  });
});
