import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PasswordHasher } from '@tongke/auth';
import { loadConfig, type AppConfig } from '@tongke/config';
import type { LoginResponse, SchoolLocale, Stage, UserDto } from '@tongke/contracts';
import { createTestDatabase, User, type TestDatabase } from '@tongke/database';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { AuthService } from '../../apps/api/src/auth/auth.service.js';
import { SchoolsService } from '../../apps/api/src/schools/schools.service.js';
import { UsersService } from '../../apps/api/src/teachers/users.service.js';
import { principalOf } from '../../apps/api/src/auth/auth.service.js';

export const TEST_PASSWORD = 'correct-horse-battery';

export interface Actor {
  user: UserDto;
  token: string;
  refreshToken: string;
  /** Authorization header value. */
  auth: string;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}${process.pid}-${Date.now().toString(36)}-${++counter}`;

/**
 * One API app on a fresh database for a test file. Builds data through the real services:
 * a platform admin bootstraps regions, district admins are invited, schools created, teachers invited.
 */
export class TestContext {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    private readonly db: TestDatabase,
    private readonly dataDir: string,
    private platformAdmin?: Actor,
  ) {}

  static async create(env: Record<string, string> = {}): Promise<TestContext> {
    const db = await createTestDatabase();
    // An embedded test database already is a data directory (its PGlite lives in <dir>/pglite).
    const dataDir = db.env.TONGKE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tongke-ctx-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      TONGKE_DATA_DIR: dataDir,
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      LOGIN_THROTTLE_LIMIT: '1000',
      CLASSROOM_INTERNAL_URL: 'http://127.0.0.1:9',
      ...db.env,
      ...env,
    });
    const { app } = await createApiApp(config, { logger: false });
    return new TestContext(app, config, db, dataDir);
  }

  get http() {
    return request(this.app.getHttpServer());
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.db.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The first platform admin is created directly (as an operator would, from the shell). */
  async platform(): Promise<Actor> {
    if (this.platformAdmin) return this.platformAdmin;
    const hash = await this.app.get(PasswordHasher).hash(TEST_PASSWORD);
    const email = `${unique('platform')}@test.tongke.cn`;
    await this.dataSource.getRepository(User).insert({
      email,
      phone: null,
      displayName: '平台管理员',
      passwordHash: hash,
      role: 'platform_admin',
      regionId: null,
      schoolId: null,
      isMasterTeacher: false,
      subjects: [],
      disabledAt: null,
    });
    this.platformAdmin = await this.login(email);
    return this.platformAdmin;
  }

  async login(identifier: string, password = TEST_PASSWORD): Promise<Actor> {
    const res = await this.http.post('/api/auth/login').send({ identifier, password });
    if (res.status !== 200)
      throw new Error(`login ${identifier} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return toActor(res.body as LoginResponse);
  }

  async newRegion(name = unique('测试县')): Promise<{ id: string; name: string }> {
    const platform = await this.platform();
    const res = await this.http
      .post('/api/regions')
      .set('Authorization', platform.auth)
      .send({ name, code: unique('r') });
    if (res.status !== 201) throw new Error(`region: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; name: string };
  }

  async newDistrictAdmin(regionId: string): Promise<Actor> {
    const platform = await this.platform();
    const invite = await this.app
      .get(UsersService)
      .createDistrictAdminInvite(principalFromActor(platform), regionId);
    return this.accept(invite.code!, '教育局管理员');
  }

  async newSchool(
    district: Actor,
    opts: { locale: SchoolLocale; name?: string; stages?: Stage[]; enrolment?: number },
  ): Promise<{ id: string; name: string; regionId: string; locale: SchoolLocale }> {
    const school = await this.app.get(SchoolsService).create(principalFromActor(district), {
      name: opts.name ?? unique(opts.locale === 'urban' ? '城区学校' : '乡村学校'),
      locale: opts.locale,
      stages: opts.stages ?? ['primary'],
      enrolment: opts.enrolment ?? 300,
    });
    return school;
  }

  async newClassroom(
    district: Actor,
    schoolId: string,
    name = unique('教室'),
  ): Promise<{ id: string; name: string }> {
    return this.app
      .get(SchoolsService)
      .createClassroom(principalFromActor(district), schoolId, { name, kind: 'class' });
  }

  async newSchoolAdmin(district: Actor, schoolId: string): Promise<Actor> {
    const invite = await this.app
      .get(UsersService)
      .createInvite(principalFromActor(district), schoolId, { role: 'school_admin' });
    return this.accept(invite.code!, '学校管理员');
  }

  async newTeacher(admin: Actor, schoolId: string, opts: { master?: boolean } = {}): Promise<Actor> {
    const invite = await this.app
      .get(UsersService)
      .createInvite(principalFromActor(admin), schoolId, { isMasterTeacher: opts.master ?? false });
    return this.accept(invite.code!, opts.master ? '名师' : '教师');
  }

  private async accept(code: string, displayName: string): Promise<Actor> {
    const res = await this.app.get(AuthService).acceptInvite({
      code,
      displayName,
      email: `${unique('u')}@test.tongke.cn`,
      password: TEST_PASSWORD,
    });
    return toActor(res);
  }

  /** A county with one district admin, an urban school with a master teacher and a rural school with a classroom. */
  async newCounty(): Promise<County> {
    const region = await this.newRegion();
    const district = await this.newDistrictAdmin(region.id);
    const urban = await this.newSchool(district, { locale: 'urban', enrolment: 1800 });
    const rural = await this.newSchool(district, { locale: 'rural', enrolment: 90 });
    const urbanAdmin = await this.newSchoolAdmin(district, urban.id);
    const ruralAdmin = await this.newSchoolAdmin(district, rural.id);
    const master = await this.newTeacher(urbanAdmin, urban.id, { master: true });
    const ruralTeacher = await this.newTeacher(ruralAdmin, rural.id);
    const ruralClassroom = await this.newClassroom(district, rural.id);
    return { region, district, urban, rural, urbanAdmin, ruralAdmin, master, ruralTeacher, ruralClassroom };
  }
}

export interface County {
  region: { id: string; name: string };
  district: Actor;
  urban: { id: string; name: string; regionId: string };
  rural: { id: string; name: string; regionId: string };
  urbanAdmin: Actor;
  ruralAdmin: Actor;
  master: Actor;
  ruralTeacher: Actor;
  ruralClassroom: { id: string; name: string };
}

function toActor(r: LoginResponse): Actor {
  return {
    user: r.user,
    token: r.accessToken,
    refreshToken: r.refreshToken,
    auth: `Bearer ${r.accessToken}`,
  };
}

export function principalFromActor(a: Actor) {
  return principalOf({
    id: a.user.id,
    role: a.user.role,
    regionId: a.user.regionId,
    schoolId: a.user.schoolId,
    isMasterTeacher: a.user.isMasterTeacher,
    displayName: a.user.displayName,
  } as User);
}
