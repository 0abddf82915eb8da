/**
 * A small county for the equity specs, with usage events for September and October 2026 whose
 * indicators are computed by hand in the specs. Schools, people, the pairing and the library
 * resources are made through the real services; the past joint lessons (which the scheduler
 * would refuse, being in the past) are inserted as rows, and the past usage events are written
 * through the real recorder (the same path the domain-event listeners use).
 */
import { UsageRecorder, type UsageRecord } from '@tongke/analytics';
import { DomainEvents } from '@tongke/common';
import type { ResourceDto } from '@tongke/contracts';
import type { Actor, TestContext } from '../support/context.js';
import { createResource, publishedResource } from '../support/library.js';

export interface EquityWorld {
  region: { id: string; name: string };
  district: Actor;
  urban: { id: string; name: string };
  rural1: { id: string; name: string };
  rural2: { id: string; name: string };
  junior: { id: string; name: string };
  urbanAdmin: Actor;
  rural1Admin: Actor;
  master: Actor;
  urbanTeacher: Actor;
  raters: Actor[];
  a: Actor;
  b: Actor;
  c: Actor;
  room1: { id: string; name: string };
  room2: { id: string; name: string };
  pairingId: string;
  /** By the master teacher: quality (master author), left as a draft. */
  qMaster: ResourceDto;
  /** By an ordinary urban teacher, published to the district: quality. */
  qDistrict: ResourceDto;
  /** By the same teacher, published to the school only: not quality until three teachers rate it ≥ 4. */
  schoolOnly: ResourceDto;
  lessons: string[];
}

const at = (iso: string) => new Date(iso);

export async function buildEquityWorld(ctx: TestContext): Promise<EquityWorld> {
  const region = await ctx.newRegion(`均衡县${Date.now().toString(36)}`);
  const district = await ctx.newDistrictAdmin(region.id);
  const urban = await ctx.newSchool(district, { locale: 'urban', name: '城关第一小学', enrolment: 1000 });
  const rural1 = await ctx.newSchool(district, { locale: 'rural', name: '柳溪村小学', enrolment: 200 });
  const rural2 = await ctx.newSchool(district, { locale: 'rural', name: '红岩教学点', enrolment: 100 });
  const junior = await ctx.newSchool(district, {
    locale: 'urban',
    name: '城关中学',
    stages: ['junior'],
    enrolment: 500,
  });
  const urbanAdmin = await ctx.newSchoolAdmin(district, urban.id);
  const rural1Admin = await ctx.newSchoolAdmin(district, rural1.id);
  const rural2Admin = await ctx.newSchoolAdmin(district, rural2.id);
  // Urban: 5 teachers; rural1: 1; rural2: 2.
  const master = await ctx.newTeacher(urbanAdmin, urban.id, { master: true });
  const urbanTeacher = await ctx.newTeacher(urbanAdmin, urban.id);
  const raters = [
    await ctx.newTeacher(urbanAdmin, urban.id),
    await ctx.newTeacher(urbanAdmin, urban.id),
    await ctx.newTeacher(urbanAdmin, urban.id),
  ];
  const a = await ctx.newTeacher(rural1Admin, rural1.id);
  const b = await ctx.newTeacher(rural2Admin, rural2.id);
  const c = await ctx.newTeacher(rural2Admin, rural2.id);
  const room1 = await ctx.newClassroom(district, rural1.id, '柳溪一年级');
  const room2 = await ctx.newClassroom(district, rural2.id, '红岩复式班');

  const created = await ctx.http
    .post('/api/pairings')
    .set('Authorization', district.auth)
    .send({
      urbanSchoolId: urban.id,
      partnerSchoolIds: [rural1.id, rural2.id],
      masterTeacherId: master.user.id,
      classroomIds: [room1.id, room2.id],
      term: '2026-2027-1',
      subjects: ['math'],
    });
  if (created.status !== 201) throw new Error(`pairing: ${created.status} ${JSON.stringify(created.body)}`);
  const pairingId = (created.body as { id: string }).id;
  await ctx.http.post(`/api/pairings/${pairingId}/activate`).set('Authorization', district.auth).expect(200);

  const qMaster = await createResource(ctx, master, { title: '分数的初步认识 课件' });
  const qDistrict = (
    await publishedResource(ctx, urbanTeacher, 'district', {
      approvers: [urbanAdmin],
      overrides: { title: '认识钟表 教学设计' },
    })
  ).resource;
  const schoolOnly = (
    await publishedResource(ctx, urbanTeacher, 'school', { overrides: { title: '20以内进位加法 习题' } })
  ).resource;

  // Past lessons of the pairing (September 2026, Beijing time): L1, L2 held with both rooms,
  // L3 scheduled with room1 but never held, L4 cancelled (not counted).
  const lessons: string[] = [];
  const lesson = async (
    startsAt: string,
    minutes: number,
    rooms: { id: string; school: string }[],
    status: string,
  ) => {
    const start = new Date(startsAt);
    const rows: { id: string }[] = await ctx.dataSource.query(
      `INSERT INTO joint_lessons (pairing_id, region_id, urban_school_id, host_id, title, subject, status,
         starts_at, ends_at, created_by_id)
       VALUES ($1, $2, $3, $4, '分数的初步认识', 'math', $5, $6, $7, $4) RETURNING id`,
      [
        pairingId,
        region.id,
        urban.id,
        master.user.id,
        status,
        start,
        new Date(start.getTime() + minutes * 60_000),
      ],
    );
    for (const r of rooms)
      await ctx.dataSource.query(
        'INSERT INTO lesson_classrooms (lesson_id, classroom_id, school_id) VALUES ($1, $2, $3)',
        [rows[0].id, r.id, r.school],
      );
    lessons.push(rows[0].id);
    return rows[0].id;
  };
  const both = [
    { id: room1.id, school: rural1.id },
    { id: room2.id, school: rural2.id },
  ];
  const l1 = await lesson('2026-09-08T01:00:00Z', 40, both, 'ended');
  const l2 = await lesson('2026-09-15T01:00:00Z', 45, both, 'ended');
  await lesson('2026-09-22T01:00:00Z', 40, [{ id: room1.id, school: rural1.id }], 'scheduled');
  await lesson('2026-09-29T01:00:00Z', 40, both, 'cancelled');

  const who = (x: Actor) => ({ userId: x.user.id, schoolId: x.user.schoolId, regionId: region.id });
  const sep = at('2026-09-10T02:00:00Z');
  const events: UsageRecord[] = [
    // Resource use. rural1 (teacher a): qMaster ×2 views, qDistrict preview, schoolOnly download.
    { kind: 'resource_view', occurredAt: sep, ...who(a), resourceId: qMaster.id },
    { kind: 'resource_view', occurredAt: sep, ...who(a), resourceId: qMaster.id },
    { kind: 'resource_preview', occurredAt: sep, ...who(a), resourceId: qDistrict.id },
    { kind: 'resource_download', occurredAt: sep, ...who(a), resourceId: schoolOnly.id },
    // rural2: b views and c downloads qMaster.
    { kind: 'resource_view', occurredAt: sep, ...who(b), resourceId: qMaster.id },
    { kind: 'resource_download', occurredAt: sep, ...who(c), resourceId: qMaster.id },
    // urban: the author views schoolOnly (not quality yet), the master previews qDistrict.
    { kind: 'resource_view', occurredAt: sep, ...who(urbanTeacher), resourceId: schoolOnly.id },
    { kind: 'resource_preview', occurredAt: sep, ...who(master), resourceId: qDistrict.id },
    // Uploads: urban 3, rural1 1; rural2's one is at 01:00 on 1 October Beijing time → October.
    { kind: 'resource_upload', occurredAt: sep, ...who(urbanTeacher) },
    { kind: 'resource_upload', occurredAt: sep, ...who(urbanTeacher) },
    { kind: 'resource_upload', occurredAt: sep, ...who(master) },
    { kind: 'resource_upload', occurredAt: sep, ...who(a) },
    { kind: 'resource_upload', occurredAt: at('2026-09-30T17:00:00Z'), ...who(b) },
    // Collective preparation: rural1 3 edits + 1 session; rural2 1 session; urban 2 edits + 1 session.
    { kind: 'plan_edit', occurredAt: sep, ...who(a) },
    { kind: 'plan_edit', occurredAt: sep, ...who(a) },
    { kind: 'plan_edit', occurredAt: sep, ...who(a) },
    { kind: 'prep_session', occurredAt: sep, ...who(a) },
    { kind: 'prep_session', occurredAt: sep, ...who(b) },
    { kind: 'plan_edit', occurredAt: sep, ...who(master) },
    { kind: 'plan_edit', occurredAt: sep, ...who(master) },
    { kind: 'prep_session', occurredAt: sep, ...who(master) },
  ];
  const held = (lessonId: string, endsAt: string, minutes: number): UsageRecord => ({
    kind: 'lesson_held',
    occurredAt: at(endsAt),
    userId: master.user.id,
    schoolId: urban.id,
    regionId: region.id,
    lessonId,
    pairingId,
    minutes,
  });
  const attended = (
    lessonId: string,
    endsAt: string,
    room: { id: string },
    schoolId: string,
    minutes: number,
    lessonMinutes: number,
  ): UsageRecord => ({
    kind: 'lesson_attendance',
    occurredAt: at(endsAt),
    schoolId,
    regionId: region.id,
    lessonId,
    classroomId: room.id,
    pairingId,
    minutes,
    quantity: lessonMinutes,
  });
  events.push(
    held(l1, '2026-09-08T01:40:00Z', 40),
    attended(l1, '2026-09-08T01:40:00Z', room1, rural1.id, 40, 40),
    attended(l1, '2026-09-08T01:40:00Z', room2, rural2.id, 30, 40),
    held(l2, '2026-09-15T01:45:00Z', 45),
    attended(l2, '2026-09-15T01:45:00Z', room1, rural1.id, 45, 45),
    attended(l2, '2026-09-15T01:45:00Z', room2, rural2.id, 0, 45),
  );
  // Written in three batches, so the incremental path adds to rows earlier batches created.
  const recorder = ctx.app.get(UsageRecorder);
  await recorder.write(events.slice(0, 7));
  await recorder.write(events.slice(7, 20));
  await recorder.write(events.slice(20));
  // Let the live events of the set-up (uploads, approval) land too.
  await ctx.app.get(DomainEvents).drain();
  await recorder.flush();

  return {
    region,
    district,
    urban,
    rural1,
    rural2,
    junior,
    urbanAdmin,
    rural1Admin,
    master,
    urbanTeacher,
    raters,
    a,
    b,
    c,
    room1,
    room2,
    pairingId,
    qMaster,
    qDistrict,
    schoolOnly,
    lessons,
  };
}
