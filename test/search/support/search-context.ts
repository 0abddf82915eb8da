import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { PasswordHasher } from '@tongke/auth';
import { createValidationPipe, HttpExceptionFilter } from '@tongke/common';
import { loadConfig, type AppConfig } from '@tongke/config';
import type { LoginResponse } from '@tongke/contracts';
import { createTestDatabase, User, type TestDatabase } from '@tongke/database';
import { SearchEngine } from '@tongke/search';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../../apps/api/src/app.module.js';
import { AuthService, principalOf } from '../../../apps/api/src/auth/auth.service.js';
import { SearchIndexer } from '../../../apps/api/src/search/indexer/search-indexer.service.js';
import { SearchSettings } from '../../../apps/api/src/search/search.settings.js';
import { SchoolsService } from '../../../apps/api/src/schools/schools.service.js';
import { UsersService } from '../../../apps/api/src/teachers/users.service.js';

export const PASSWORD = 'correct-horse-battery';

export interface SearchActor {
  user: LoginResponse['user'];
  auth: string;
}

let counter = 0;
const unique = (prefix: string): string => `${prefix}${process.pid}-${Date.now().toString(36)}-${++counter}`;

/**
 * Like test/support/context.ts, but the API app is built with the SearchEngine provider replaced
 * before init (so a test can stop the engine), and a second instance can share the database
 * (several API instances draining one outbox). Data is made through the real services.
 */
export class SearchTestContext {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly config: AppConfig,
    readonly db: TestDatabase,
    private readonly dataDir: string,
    private readonly ownsDb: boolean,
  ) {}

  static async create(opts: {
    engine: (config: AppConfig) => SearchEngine;
    /** Share another instance's database (PostgreSQL only: PGlite is one process's session). */
    db?: TestDatabase;
    env?: Record<string, string>;
  }): Promise<SearchTestContext> {
    const db = opts.db ?? (await createTestDatabase());
    // An embedded test database already is a data directory; a shared or server one is not.
    const dataDir =
      !opts.db && db.env.TONGKE_DATA_DIR
        ? db.env.TONGKE_DATA_DIR
        : mkdtempSync(join(tmpdir(), 'tongke-search-ctx-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      LOGIN_THROTTLE_LIMIT: '1000',
      CLASSROOM_INTERNAL_URL: 'http://127.0.0.1:9',
      ...db.env,
      TONGKE_DATA_DIR: dataDir,
      ...opts.env,
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(SearchEngine)
      .useFactory({ factory: () => opts.engine(config) })
      .compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    // As createApiApp does (minus helmet, docs and the web app, which search does not touch).
    app.setGlobalPrefix('api');
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new HttpExceptionFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return new SearchTestContext(app, config, db, dataDir, !opts.db);
  }

  get http() {
    return request(this.app.getHttpServer());
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  get indexer(): SearchIndexer {
    return this.app.get(SearchIndexer);
  }

  get settings(): SearchSettings {
    return this.app.get(SearchSettings);
  }

  async close(): Promise<void> {
    await this.app.close();
    if (this.ownsDb) await this.db.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async login(identifier: string): Promise<SearchActor> {
    const res = await this.http.post('/api/auth/login').send({ identifier, password: PASSWORD });
    if (res.status !== 200) throw new Error(`login ${identifier}: ${res.status} ${JSON.stringify(res.body)}`);
    const body = res.body as LoginResponse;
    return { user: body.user, auth: `Bearer ${body.accessToken}` };
  }

  async platform(): Promise<SearchActor> {
    const email = `${unique('platform')}@test.tongke.cn`;
    await this.dataSource.getRepository(User).insert({
      email,
      phone: null,
      displayName: '平台管理员',
      passwordHash: await this.app.get(PasswordHasher).hash(PASSWORD),
      role: 'platform_admin',
      regionId: null,
      schoolId: null,
      isMasterTeacher: false,
      subjects: [],
      disabledAt: null,
    });
    return this.login(email);
  }

  /** A region, its district admin, an urban school with its admin and a master teacher. */
  async newSchoolWithTeacher(platform: SearchActor): Promise<{ admin: SearchActor; teacher: SearchActor }> {
    const region = await this.http
      .post('/api/regions')
      .set('Authorization', platform.auth)
      .send({ name: unique('测试县'), code: unique('r') });
    if (region.status !== 201) throw new Error(`region: ${region.status} ${JSON.stringify(region.body)}`);
    const users = this.app.get(UsersService);
    const platformPrincipal = principalOf({ ...platform.user } as unknown as User);
    const districtInvite = await users.createDistrictAdminInvite(
      platformPrincipal,
      (region.body as { id: string }).id,
    );
    const district = await this.accept(districtInvite.code!, '教育局管理员');
    const districtPrincipal = principalOf({ ...district.user } as unknown as User);
    const school = await this.app.get(SchoolsService).create(districtPrincipal, {
      name: unique('城区学校'),
      locale: 'urban',
      stages: ['junior'],
      enrolment: 1200,
    });
    const admin = await this.accept(
      (await users.createInvite(districtPrincipal, school.id, { role: 'school_admin' })).code!,
      '学校管理员',
    );
    const adminPrincipal = principalOf({ ...admin.user } as unknown as User);
    const teacher = await this.accept(
      (await users.createInvite(adminPrincipal, school.id, { isMasterTeacher: true })).code!,
      '名师',
    );
    return { admin, teacher };
  }

  private async accept(code: string, displayName: string): Promise<SearchActor> {
    const res = await this.app.get(AuthService).acceptInvite({
      code,
      displayName,
      email: `${unique('u')}@test.tongke.cn`,
      password: PASSWORD,
    });
    return { user: res.user, auth: `Bearer ${res.accessToken}` };
  }
}
