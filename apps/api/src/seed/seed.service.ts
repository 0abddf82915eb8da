import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PasswordHasher } from '@tongke/auth';
import { Classroom, Pairing, Region, School, User } from '@tongke/database';
import { DataSource } from 'typeorm';
import { DEMO_PAIRINGS, DEMO_PASSWORD, DEMO_REGION, DEMO_SCHOOLS, DEMO_USERS } from './demo-data.js';

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
  ) {}

  async seedDemo(): Promise<SeedResult> {
    const logins = DEMO_USERS.map((u) => ({ email: u.email, purpose: u.purpose }));
    if (await this.dataSource.getRepository(Region).exists({ where: { code: DEMO_REGION.code } })) {
      return { created: false, logins, password: DEMO_PASSWORD };
    }
    const passwordHash = await this.hasher.hash(DEMO_PASSWORD);
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
      const users = new Map<string, User>();
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
    this.logger.log(`seeded demo county ${DEMO_REGION.name}`);
    return { created: true, logins, password: DEMO_PASSWORD };
  }
}
