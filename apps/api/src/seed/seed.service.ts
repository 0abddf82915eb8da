import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UsageRecorder } from '@tongke/analytics';
import { PasswordHasher } from '@tongke/auth';
import { DomainEvents } from '@tongke/common';
import type { LessonAttachment } from '@tongke/contracts';
import { Classroom, Pairing, Region, School, User } from '@tongke/database';
import { DataSource } from 'typeorm';
import { principalOf } from '../auth/auth.service.js';
import { EquityDemoService } from '../equity/equity-demo.service.js';
import { LessonsService } from '../lessons/lessons.service.js';
import { PacksService } from '../library/packs/packs.service.js';
import { ResourcesService } from '../library/resources/resources.service.js';
import { ReviewService } from '../library/review/review.service.js';
import { FileIngestService } from '../library/uploads/file-ingest.service.js';
import { DEMO_PACK, DEMO_RESOURCES } from './demo-library.js';
import {
  DEMO_PAIRINGS,
  DEMO_PASSWORD,
  DEMO_REGION,
  DEMO_SCHOOLS,
  DEMO_TIMETABLE,
  DEMO_USERS,
} from './demo-data.js';

export interface SeedResult {
  created: boolean;
  logins: { email: string; purpose: string }[];
  password: string;
}

/** Seeds the demo county once (idempotent: a second run finds the region and does nothing). */
@Injectable()
export class SeedService {
  private readonly logger = new Logger('Seed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly lessons: LessonsService,
    private readonly resources: ResourcesService,
    private readonly ingest: FileIngestService,
    private readonly review: ReviewService,
    private readonly packs: PacksService,
    private readonly equityDemo: EquityDemoService,
    private readonly events: DomainEvents,
    private readonly usage: UsageRecorder,
  ) {}

  async seedDemo(): Promise<SeedResult> {
    const logins = DEMO_USERS.map((u) => ({ email: u.email, purpose: u.purpose }));
    if (await this.dataSource.getRepository(Region).exists({ where: { code: DEMO_REGION.code } })) {
      return { created: false, logins, password: DEMO_PASSWORD };
    }
    const passwordHash = await this.hasher.hash(DEMO_PASSWORD);
    const users = new Map<string, User>();
    await this.dataSource.transaction(async (m) => {
      const region = await m.getRepository(Region).save(m.getRepository(Region).create(DEMO_REGION));
      const schools = new Map<string, School>();
      const rooms = new Map<string, Classroom[]>();
      for (const s of DEMO_SCHOOLS) {
        const school = await m.getRepository(School).save(
          m.getRepository(School).create({
            regionId: region.id,
            name: s.name,
            locale: s.locale,
            stages: s.stages,
            enrolment: s.enrolment,
          }),
        );
        schools.set(s.key, school);
        const saved = await m
          .getRepository(Classroom)
          .save(
            s.classrooms.map((c) =>
              m
                .getRepository(Classroom)
                .create({ schoolId: school.id, name: c.name, kind: c.kind, grade: c.grade ?? null }),
            ),
          );
        rooms.set(s.key, saved);
      }
      for (const u of DEMO_USERS) {
        const school = u.school ? schools.get(u.school) : undefined;
        const user = await m.getRepository(User).save(
          m.getRepository(User).create({
            email: u.email,
            phone: null,
            displayName: u.displayName,
            passwordHash,
            role: u.role,
            regionId: u.role === 'platform_admin' ? null : region.id,
            schoolId: school?.id ?? null,
            isMasterTeacher: u.isMasterTeacher ?? false,
            subjects: u.subjects ?? [],
            disabledAt: null,
          }),
        );
        users.set(u.key, user);
      }
      const district = users.get('district');
      for (const p of DEMO_PAIRINGS) {
        const urban = schools.get(p.urban);
        const master = users.get(p.master);
        if (!urban || !master || !district) throw new Error('demo data inconsistent');
        await m.getRepository(Pairing).save(
          m.getRepository(Pairing).create({
            regionId: region.id,
            urbanSchoolId: urban.id,
            masterTeacherId: master.id,
            term: p.term,
            subjects: p.subjects,
            status: 'active',
            createdById: district.id,
            activatedAt: new Date(),
            endedAt: null,
            endReason: null,
            partnerSchools: p.partners.map((k) => schools.get(k)).filter((s): s is School => !!s),
            classrooms: p.partners.flatMap((k) => rooms.get(k) ?? []),
          }),
        );
      }
    });
    const pack = await this.seedLibrary(users);
    await this.seedLessons(users, pack);
    // Past months of usage for the equity dashboard.
    const region = users.get('district')?.regionId;
    if (region) await this.equityDemo.seed(region);
    // What the seeding itself caused (uploads, approvals, views) is stored before anyone signs in,
    // so the demo's first figures do not move under the first user's feet.
    await this.events.drain();
    await this.usage.flush();
    this.logger.log(`seeded demo county ${DEMO_REGION.name}`);
    return { created: true, logins, password: DEMO_PASSWORD };
  }

  /**
   * The demo library, filled through the library's own services (type sniffing, storage,
   * review, the search outbox): resources at every visibility, one waiting for its school
   * admin's review, and a lesson pack. Returns the pack, which the weekly lesson attaches.
   */
  private async seedLibrary(users: Map<string, User>): Promise<LessonAttachment> {
    const as = (key: string) => {
      const u = users.get(key);
      if (!u) throw new Error(`demo data inconsistent: ${key}`);
      return principalOf(u);
    };
    const ids = new Map<string, string>();
    for (const r of DEMO_RESOURCES) {
      const author = as(r.author);
      const created = await this.resources.create(author, r.request);
      await this.ingest.ingest(
        author,
        { resourceId: created.id, versionId: null },
        r.file.name,
        Readable.from([Buffer.from(r.file.text, 'utf8')]),
      );
      await this.review.submit(author, created.id, r.visibility);
      for (const approver of r.approvers) await this.review.approve(as(approver), created.id);
      ids.set(r.key, created.id);
    }
    const pack = await this.packs.create(as(DEMO_PACK.owner), {
      title: DEMO_PACK.title,
      description: DEMO_PACK.description,
      visibility: DEMO_PACK.visibility,
      resourceIds: DEMO_PACK.resources.map((k) => ids.get(k) ?? ''),
    });
    return { kind: 'pack', id: pack.id, title: pack.title };
  }

  /**
   * Demo timetables (同步课表), scheduled through the lessons service and its rules: a weekly
   * joint lesson for the rest of the term, and one lesson starting in about a quarter of an hour.
   */
  private async seedLessons(users: Map<string, User>, pack: LessonAttachment): Promise<void> {
    const { weekly, soon } = DEMO_TIMETABLE;
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const until = new Date(Date.now() + 8 * 3600_000 + 12 * 7 * 86_400_000).toISOString().slice(0, 10);
    const w = await this.lessonBase(users, weekly);
    await this.lessons.createSeries(w.host, {
      ...w.request,
      attachments: [pack],
      title: weekly.title,
      rule: { ...weekly.rule, fromDate: today, untilDate: until },
    });
    const s = await this.lessonBase(users, soon);
    const start = Math.ceil((Date.now() + 15 * 60_000) / 300_000) * 300_000;
    await this.lessons.create(s.host, {
      ...s.request,
      title: soon.title,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + soon.minutes * 60_000).toISOString(),
    });
  }

  /** The master teacher's pairing and, for each demo co-teacher, a classroom of their school. */
  private async lessonBase(
    users: Map<string, User>,
    spec: { master: string; coTeachers: string[]; subject: string },
  ) {
    const master = users.get(spec.master);
    const pairing = await this.dataSource
      .getRepository(Pairing)
      .findOne({ where: { masterTeacherId: master?.id ?? '' }, relations: { classrooms: true } });
    if (!master || !pairing) throw new Error('demo data inconsistent');
    // Each 助教 looks after one classroom of their school (a co-teacher is in one room at a time).
    const classrooms: { classroomId: string; coTeacherIds: string[] }[] = [];
    for (const key of spec.coTeachers) {
      const teacher = users.get(key);
      const room = (pairing.classrooms ?? []).find(
        (c) => c.schoolId === teacher?.schoolId && !classrooms.some((r) => r.classroomId === c.id),
      );
      if (teacher && room) classrooms.push({ classroomId: room.id, coTeacherIds: [teacher.id] });
    }
    return {
      host: principalOf(master),
      request: { pairingId: pairing.id, subject: spec.subject, classrooms },
    };
  }
}
