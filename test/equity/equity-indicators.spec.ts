import { monthOf, parsePeriod, rebuildAggregates, UsageRecorder } from '@tongke/analytics';
import { DomainEvents } from '@tongke/common';
import type {
  EquityDistrictOverviewDto,
  EquityIndicatorKey,
  EquityIndicatorSummaryDto,
  EquityMyActivityDto,
  EquityPairingDetailDto,
  EquitySchoolDetailDto,
} from '@tongke/contracts';
import { EquityService } from '../../apps/api/src/equity/equity.service.js';
import { TestContext } from '../support/context.js';
import { buildEquityWorld, type EquityWorld } from './equity-support.js';

/**
 * Every number below is worked out by hand from the fixture in equity-support.ts.
 * Primary schools of the county: 城关第一小学 (urban, 1000 pupils, 5 teachers),
 * 柳溪村小学 (rural, 200 pupils, 1 teacher), 红岩教学点 (rural, 100 pupils, 2 teachers).
 * Weighted mean = Σ enrolment·value / Σ enrolment; CV = √(Σ enrolment·(value − mean)² / Σ enrolment) / mean.
 */
describe('equity indicators (September 2026, computed by hand)', () => {
  let ctx: TestContext;
  let w: EquityWorld;
  let sep: EquityDistrictOverviewDto;

  const ind = (o: EquityDistrictOverviewDto, key: EquityIndicatorKey): EquityIndicatorSummaryDto =>
    o.indicators.find((i) => i.key === key)!;
  const valueOf = (i: EquityIndicatorSummaryDto, schoolId: string) =>
    i.schools.find((s) => s.schoolId === schoolId)?.value;
  const overview = async (query: Record<string, string>) => {
    const res = await ctx.http
      .get(`/api/equity/districts/${w.region.id}/overview`)
      .query(query)
      .set('Authorization', w.district.auth);
    expect(res.status).toBe(200);
    return res.body as EquityDistrictOverviewDto;
  };
  /** Hand-computed weighted CV of three (value, enrolment) pairs. */
  const cvOf = (pairs: [number, number][]) => {
    const total = pairs.reduce((s, [, e]) => s + e, 0);
    const mean = pairs.reduce((s, [v, e]) => s + v * e, 0) / total;
    const variance = pairs.reduce((s, [v, e]) => s + e * (v - mean) ** 2, 0) / total;
    return { mean, cv: Math.sqrt(variance) / mean };
  };

  beforeAll(async () => {
    ctx = await TestContext.create();
    w = await buildEquityWorld(ctx);
    sep = await overview({ period: '2026-09' });
  });
  afterAll(() => ctx.close());

  it('lists the primary schools of the county with enrolment and teacher counts (the junior school is not in the primary view)', () => {
    expect(sep.period).toEqual({
      key: '2026-09',
      kind: 'month',
      from: '2026-09',
      to: '2026-09',
      months: ['2026-09'],
    });
    expect(sep.stage).toBe('primary');
    const byId = new Map(sep.schools.map((s) => [s.id, s]));
    expect(byId.get(w.urban.id)).toEqual(
      expect.objectContaining({ name: '城关第一小学', enrolment: 1000, teachers: 5 }),
    );
    expect(byId.get(w.rural1.id)).toEqual(
      expect.objectContaining({ enrolment: 200, teachers: 1, locale: 'rural' }),
    );
    expect(byId.get(w.rural2.id)).toEqual(expect.objectContaining({ enrolment: 100, teachers: 2 }));
    expect(byId.has(w.junior.id)).toBe(false);
  });

  it('lists the pairing with lessons held ÷ scheduled, hours and attendance', () => {
    expect(sep.pairings).toEqual([
      {
        pairingId: w.pairingId,
        status: 'active',
        urbanSchool: { id: w.urban.id, name: '城关第一小学' },
        partnerSchools: expect.arrayContaining([
          { id: w.rural1.id, name: '柳溪村小学' },
          { id: w.rural2.id, name: '红岩教学点' },
        ]),
        scheduled: 3,
        held: 2,
        hours: expect.closeTo(85 / 60, 10),
        heldRate: expect.closeTo(2 / 3, 10),
        // (40 + 30 + 45 + 0) of (40 + 40 + 45 + 45) classroom minutes
        attendanceRate: expect.closeTo(115 / 170, 10),
      },
    ]);
    expect(sep.pairings[0].partnerSchools).toHaveLength(2);
  });

  it('quality resources per teacher: weighted mean 0.5, CV 1.289 (below 基本均衡), rural ÷ urban gap 7.5, urban school lagging', () => {
    // Distinct quality resources used: urban {qDistrict} = 1 (schoolOnly is not quality) → 1/5 = 0.2;
    // rural1 {qMaster, qDistrict} = 2 (schoolOnly not quality) → 2/1 = 2; rural2 {qMaster} → 1/2 = 0.5.
    const q = ind(sep, 'quality_resources_per_teacher');
    expect(valueOf(q, w.urban.id)).toBeCloseTo(0.2, 10);
    expect(valueOf(q, w.rural1.id)).toBeCloseTo(2, 10);
    expect(valueOf(q, w.rural2.id)).toBeCloseTo(0.5, 10);
    // mean = (1000·0.2 + 200·2 + 100·0.5) / 1300 = 650/1300 = 0.5
    // variance = (1000·0.09 + 200·2.25 + 100·0) / 1300 = 540/1300
    expect(q.weightedMean).toBeCloseTo(0.5, 10);
    expect(q.weightedCv).toBeCloseTo(Math.sqrt(540 / 1300) / 0.5, 10);
    expect(q.weightedCv).toBeCloseTo(1.28901, 4);
    expect(q.thresholds).toEqual({ quality: 0.5, basic: 0.65 });
    expect(q.status).toBe('below');
    // rural mean = (200·2 + 100·0.5)/300 = 1.5; urban mean 0.2; gap 7.5
    expect(q.urbanMean).toBeCloseTo(0.2, 10);
    expect(q.ruralMean).toBeCloseTo(1.5, 10);
    expect(q.townMean).toBeNull();
    expect(q.gap).toBeCloseTo(7.5, 10);
    expect(q.lagging.map((s) => s.name)).toEqual(['城关第一小学']);
    expect(q.schools.map((s) => s.name)).toEqual(['柳溪村小学', '红岩教学点', '城关第一小学']);
  });

  it('joint-lesson hours: 85 minutes delivered by the urban school; received 85 and 30 minutes, CV 0.389 (优质均衡)', () => {
    const delivered = ind(sep, 'joint_hours_delivered');
    expect(valueOf(delivered, w.urban.id)).toBeCloseTo(85 / 60, 10);
    expect(valueOf(delivered, w.rural1.id)).toBeNull();
    // Only one urban primary school: nothing to compare.
    expect(delivered.status).toBe('insufficient_data');

    const received = ind(sep, 'joint_hours_received');
    expect(valueOf(received, w.urban.id)).toBeNull();
    expect(valueOf(received, w.rural1.id)).toBeCloseTo(85 / 60, 10);
    expect(valueOf(received, w.rural2.id)).toBeCloseTo(30 / 60, 10);
    // mean = (200·85/60 + 100·30/60) / 300 = 1.1111; CV = 0.3889
    const expected = cvOf([
      [85 / 60, 200],
      [30 / 60, 100],
    ]);
    expect(received.weightedMean).toBeCloseTo(10 / 9, 10);
    expect(received.weightedCv).toBeCloseTo(expected.cv, 10);
    expect(received.weightedCv).toBeCloseTo(0.38891, 4);
    expect(received.status).toBe('quality');
    expect(received.gap).toBeNull();
  });

  it('lessons held ÷ scheduled: urban 2/3, rural1 2/3 (one lesson never held), rural2 2/2; the cancelled lesson does not count', () => {
    const held = ind(sep, 'lessons_held_rate');
    expect(valueOf(held, w.urban.id)).toBeCloseTo(2 / 3, 10);
    expect(valueOf(held, w.rural1.id)).toBeCloseTo(2 / 3, 10);
    expect(valueOf(held, w.rural2.id)).toBeCloseTo(1, 10);
    // mean = (1000·2/3 + 200·2/3 + 100·1) / 1300 = 900/1300
    const expected = cvOf([
      [2 / 3, 1000],
      [2 / 3, 200],
      [1, 100],
    ]);
    expect(held.weightedMean).toBeCloseTo(900 / 1300, 10);
    expect(held.weightedCv).toBeCloseTo(expected.cv, 10);
    expect(held.status).toBe('quality');
    // rural mean = (200·2/3 + 100·1)/300 = 7/9; urban 2/3 → gap 7/6
    expect(held.gap).toBeCloseTo(7 / 6, 10);
  });

  it('attendance rate per school: rural1 85/85, rural2 30/85', () => {
    const att = ind(sep, 'attendance_rate');
    expect(valueOf(att, w.rural1.id)).toBeCloseTo(1, 10);
    expect(valueOf(att, w.rural2.id)).toBeCloseTo(30 / 85, 10);
    expect(valueOf(att, w.urban.id)).toBeNull();
    const expected = cvOf([
      [1, 200],
      [30 / 85, 100],
    ]);
    expect(att.weightedMean).toBeCloseTo((200 + 100 * (30 / 85)) / 300, 10);
    expect(att.weightedCv).toBeCloseTo(expected.cv, 10);
  });

  it('collective preparation and uploads per teacher, with their gaps', () => {
    const prep = ind(sep, 'prep_participation_per_teacher');
    // urban (2 edits + 1 session)/5 = 0.6; rural1 (3 + 1)/1 = 4; rural2 1/2 = 0.5
    expect(valueOf(prep, w.urban.id)).toBeCloseTo(0.6, 10);
    expect(valueOf(prep, w.rural1.id)).toBeCloseTo(4, 10);
    expect(valueOf(prep, w.rural2.id)).toBeCloseTo(0.5, 10);
    expect(prep.weightedMean).toBeCloseTo((600 + 800 + 50) / 1300, 10);
    expect(prep.weightedCv).toBeCloseTo(
      cvOf([
        [0.6, 1000],
        [4, 200],
        [0.5, 100],
      ]).cv,
      10,
    );

    const uploads = ind(sep, 'uploads_per_teacher');
    // urban 3/5 = 0.6; rural1 1/1 = 1; rural2 0 (its upload was at 01:00 on 1 October, Beijing time)
    expect(valueOf(uploads, w.urban.id)).toBeCloseTo(0.6, 10);
    expect(valueOf(uploads, w.rural1.id)).toBeCloseTo(1, 10);
    expect(valueOf(uploads, w.rural2.id)).toBe(0);
    expect(uploads.weightedMean).toBeCloseTo(800 / 1300, 10);
    // rural mean (200·1 + 100·0)/300 = 2/3; urban 0.6 → gap 10/9
    expect(uploads.gap).toBeCloseTo(10 / 9, 10);
    expect(uploads.lagging.map((s) => s.name)).toEqual(['红岩教学点', '城关第一小学']);
  });

  it('trend by month and the autumn term add the October upload', async () => {
    const uploads = ind(sep, 'uploads_per_teacher');
    expect(uploads.trend).toHaveLength(12);
    expect(uploads.trend[0].month).toBe('2025-10');
    const september = uploads.trend.find((t) => t.month === '2026-09')!;
    expect(september.weightedMean).toBeCloseTo(800 / 1300, 10);

    const oct = await overview({ period: '2026-10' });
    const octUploads = ind(oct, 'uploads_per_teacher');
    // October: rural2 1/2, others 0 → mean = 100·0.5/1300
    expect(valueOf(octUploads, w.rural2.id)).toBeCloseTo(0.5, 10);
    expect(octUploads.weightedMean).toBeCloseTo(50 / 1300, 10);
    expect(octUploads.trend.at(-1)).toEqual(
      expect.objectContaining({ month: '2026-10', weightedMean: expect.closeTo(50 / 1300, 10) }),
    );

    const term = await overview({ period: '2026-autumn' });
    expect(term.period).toEqual(expect.objectContaining({ kind: 'term', from: '2026-09', to: '2027-01' }));
    const termUploads = ind(term, 'uploads_per_teacher');
    expect(valueOf(termUploads, w.rural2.id)).toBeCloseTo(0.5, 10);
    // The urban school's two live uploads of the set-up happened this month: in the term if today is.
    const live = parsePeriod('2026-autumn')!.months.includes(monthOf(new Date())) ? 2 : 0;
    expect(valueOf(termUploads, w.urban.id)).toBeCloseTo((3 + live) / 5, 10);
    expect(termUploads.weightedMean).toBeCloseTo((1000 * ((3 + live) / 5) + 200 + 50) / 1300, 10);
  });

  it('a school’s detail: counts, lessons and per-classroom attendance', async () => {
    const res = await ctx.http
      .get(`/api/equity/schools/${w.rural2.id}`)
      .query({ period: '2026-09' })
      .set('Authorization', w.district.auth);
    expect(res.status).toBe(200);
    const d = res.body as EquitySchoolDetailDto;
    expect(d.school.name).toBe('红岩教学点');
    expect(d.counts).toEqual({
      views: 1,
      previews: 0,
      downloads: 1,
      uploads: 0,
      approvals: 0,
      planEdits: 0,
      sessionsAttended: 1,
    });
    expect(d.lessons).toEqual({ scheduled: 2, held: 2, hoursDelivered: 0, hoursReceived: 0.5 });
    expect(d.classrooms).toEqual([
      expect.objectContaining({
        classroomName: '红岩复式班',
        lessons: 2,
        attendedMinutes: 30,
        lessonMinutes: 85,
        attendanceRate: expect.closeTo(30 / 85, 10),
      }),
    ]);
    expect(d.indicators.find((i) => i.key === 'attendance_rate')?.value).toBeCloseTo(30 / 85, 10);
  });

  it('a pairing: held vs scheduled, hours, attendance per classroom and the urban materials the rural side used', async () => {
    const res = await ctx.http
      .get(`/api/equity/pairings/${w.pairingId}`)
      .query({ period: '2026-09' })
      .set('Authorization', w.district.auth);
    expect(res.status).toBe(200);
    const d = res.body as EquityPairingDetailDto;
    expect(d.pairing.urbanSchool.name).toBe('城关第一小学');
    expect(d.lessons.scheduled).toBe(3);
    expect(d.lessons.held).toBe(2);
    expect(d.lessons.hours).toBeCloseTo(85 / 60, 10);
    expect(d.lessons.heldRate).toBeCloseTo(2 / 3, 10);
    const rooms = Object.fromEntries(d.attendance.map((c) => [c.classroomName, c]));
    expect(rooms['柳溪一年级']).toEqual(
      expect.objectContaining({ lessons: 2, attendedMinutes: 85, lessonMinutes: 85, attendanceRate: 1 }),
    );
    expect(rooms['红岩复式班'].attendanceRate).toBeCloseTo(30 / 85, 10);
    // qMaster: rural1 2 views, rural2 1 view + 1 download (2 schools); then the two used once.
    expect(d.materialsUsed.map((m) => [m.title, m.schools, m.views, m.previews, m.downloads])).toEqual([
      ['分数的初步认识 课件', 2, 3, 0, 1],
      ['20以内进位加法 习题', 1, 0, 0, 1],
      ['认识钟表 教学设计', 1, 0, 1, 0],
    ]);
    expect(d.distinctMaterialsUsedByRuralSide).toBe(3);
    expect(d.trend.find((t) => t.month === '2026-09')).toEqual(
      expect.objectContaining({ held: 2, attendanceRate: expect.closeTo(115 / 170, 10) }),
    );
  });

  it('a teacher sees their own activity', async () => {
    const res = await ctx.http
      .get('/api/equity/me')
      .query({ period: '2026-09' })
      .set('Authorization', w.a.auth);
    expect(res.status).toBe(200);
    const me = res.body as EquityMyActivityDto;
    expect(me.counts).toEqual({
      views: 2,
      previews: 1,
      downloads: 1,
      uploads: 1,
      approvals: 0,
      planEdits: 3,
      sessionsAttended: 1,
    });
    expect(me.qualityResourcesUsed).toBe(2);
    const master = await ctx.http
      .get('/api/equity/me')
      .query({ period: '2026-09' })
      .set('Authorization', w.master.auth);
    expect(master.body).toEqual(
      expect.objectContaining({ lessonsHosted: 2, hoursHosted: expect.closeTo(85 / 60, 10) }),
    );
  });

  it('quality is judged now: three teachers rating a resource ≥ 4 make it count in past months', async () => {
    for (const [rater, stars] of [
      [w.raters[0], 5],
      [w.raters[1], 5],
      [w.raters[2], 4],
    ] as const) {
      await ctx.http
        .put(`/api/resources/${w.schoolOnly.id}/rating`)
        .set('Authorization', rater.auth)
        .send({ stars })
        .expect(200);
    }
    await ctx.app.get(EquityService).refreshQuality();
    const after = ind(await overview({ period: '2026-09' }), 'quality_resources_per_teacher');
    // urban {schoolOnly, qDistrict} → 2/5; rural1 {qMaster, qDistrict, schoolOnly} → 3; rural2 unchanged 0.5
    expect(valueOf(after, w.urban.id)).toBeCloseTo(0.4, 10);
    expect(valueOf(after, w.rural1.id)).toBeCloseTo(3, 10);
    expect(valueOf(after, w.rural2.id)).toBeCloseTo(0.5, 10);
    expect(after.weightedMean).toBeCloseTo((400 + 600 + 50) / 1300, 10);
  });

  it('the live library events of the set-up were recorded: two uploads by the author, one approval by the school admin', async () => {
    const now = await ctx.http.get('/api/equity/me').set('Authorization', w.urbanTeacher.auth);
    expect(now.body.counts).toEqual(expect.objectContaining({ uploads: 2 }));
    const admin = await ctx.http.get('/api/equity/me').set('Authorization', w.urbanAdmin.auth);
    expect(admin.body.counts).toEqual(expect.objectContaining({ approvals: 1 }));
  });

  it('viewing a resource and an ended lesson are recorded from their domain events', async () => {
    await ctx.http.get(`/api/resources/${w.qDistrict.id}`).set('Authorization', w.a.auth).expect(200);
    const events = ctx.app.get(DomainEvents);
    const lessonId = w.lessons[2];
    events.publish('lesson.ended', {
      lessonId,
      pairingId: w.pairingId,
      regionId: w.region.id,
      startedAt: '2026-09-22T01:00:00.000Z',
      endedAt: '2026-09-22T01:40:00.000Z',
      minutes: 40,
    });
    events.publish('lesson.attendance', {
      lessonId,
      pairingId: w.pairingId,
      regionId: w.region.id,
      classroomId: w.room1.id,
      schoolId: w.rural1.id,
      minutes: 20,
    });
    await events.drain();
    await ctx.app.get(UsageRecorder).flush();
    const me = await ctx.http.get('/api/equity/me').set('Authorization', w.a.auth);
    expect(me.body.counts.views).toBe(1);
    const pairing = await ctx.http
      .get(`/api/equity/pairings/${w.pairingId}`)
      .query({ period: '2026-09' })
      .set('Authorization', w.district.auth);
    // Now 3 of 3 held; room1 attended 85 + 20 of 85 + 40 minutes.
    expect(pairing.body.lessons).toEqual(expect.objectContaining({ scheduled: 3, held: 3 }));
    const room1 = (pairing.body as EquityPairingDetailDto).attendance.find(
      (c) => c.classroomId === w.room1.id,
    );
    expect(room1).toEqual(expect.objectContaining({ lessons: 3, attendedMinutes: 105, lessonMinutes: 125 }));
  });

  it('incrementally maintained aggregates equal a rebuild from the raw events', async () => {
    await ctx.app.get(EquityService).refreshQuality();
    const snapshot = async () => ({
      schools: await ctx.dataSource.query('SELECT * FROM equity_school_months ORDER BY school_id, month'),
      pairings: await ctx.dataSource.query('SELECT * FROM equity_pairing_months ORDER BY pairing_id, month'),
      rooms: await ctx.dataSource.query(
        'SELECT * FROM equity_classroom_months ORDER BY classroom_id, pairing_id, month',
      ),
      resources: await ctx.dataSource.query(
        'SELECT * FROM equity_school_resource_months ORDER BY school_id, month, resource_id',
      ),
      quality: await ctx.dataSource.query('SELECT * FROM equity_resource_quality ORDER BY resource_id'),
    });
    const incremental = await snapshot();
    const before = await overview({ period: '2026-autumn' });
    expect(incremental.schools.length).toBeGreaterThan(3);
    await ctx.dataSource.transaction((m) => rebuildAggregates(m));
    const rebuilt = await snapshot();
    expect(rebuilt).toEqual(incremental);
    expect(await overview({ period: '2026-autumn' })).toEqual(before);
  });
});
