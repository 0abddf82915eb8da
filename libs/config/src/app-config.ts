import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { envSchema, type RawEnv } from './config.schema.js';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

export interface DatabaseConfig {
  kind: 'postgres' | 'embedded';
  url?: string;
  poolSize: number;
  embeddedDir: string;
}

export interface StorageConfig {
  kind: 's3' | 'local';
  localDir: string;
  s3?: { endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string };
}

export interface SearchConfig {
  kind: 'meilisearch' | 'embedded';
  dataDir: string;
  /** The embedded engine runs on a worker thread of its own (SEARCH_THREAD, default on). */
  thread: boolean;
  meili?: { url: string; apiKey?: string; index: string };
}

/**
 * The typed, validated configuration. Injected everywhere as `AppConfig`; secrets stay in
 * private-ish fields that are excluded from `describe()` (the only thing ever logged).
 */
export class AppConfig {
  readonly env: RawEnv['NODE_ENV'];
  readonly port: number;
  readonly host: string;
  readonly classroomPort: number;
  readonly publicUrl: string;
  readonly realtimePublicUrl: string;
  readonly classroomInternalUrl: string;
  readonly allowedOrigins: string[];
  readonly dataDir: string;
  readonly webDistDir: string;
  readonly database: DatabaseConfig;
  readonly redisUrl?: string;
  readonly jwt: { secret: string; accessTtlSeconds: number; refreshTtlDays: number; generated: boolean };
  readonly inviteTtlHours: number;
  readonly loginThrottle: { limit: number; ttlSeconds: number };
  readonly storage: StorageConfig;
  readonly search: SearchConfig;
  readonly uploadMaxBytes: number;
  /**
   * How far the JS heap may grow past what the last full collection kept before the next one
   * starts (V8's --heap-growing-percent; 0 leaves V8's own choice). See tuneHeapGrowth().
   */
  readonly heapGrowingPercent: number;
  readonly seedDemo: boolean;
  readonly logLevel: RawEnv['LOG_LEVEL'];
  readonly rtc: { stunUrls: string[]; turnUrls: string[]; turnSecret?: string };

  constructor(raw: RawEnv, jwtSecret: { secret: string; generated: boolean }) {
    this.env = raw.NODE_ENV;
    this.port = raw.PORT;
    this.host = raw.HOST;
    this.classroomPort = raw.CLASSROOM_PORT;
    this.publicUrl = raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`;
    this.realtimePublicUrl = raw.REALTIME_PUBLIC_URL ?? `http://localhost:${raw.CLASSROOM_PORT}`;
    this.classroomInternalUrl = raw.CLASSROOM_INTERNAL_URL ?? `http://127.0.0.1:${raw.CLASSROOM_PORT}`;
    this.allowedOrigins = raw.ALLOWED_ORIGINS ?? [
      this.publicUrl,
      `http://127.0.0.1:${raw.PORT}`,
      `http://localhost:${raw.PORT}`,
    ];
    this.dataDir = resolve(raw.TONGKE_DATA_DIR);
    this.webDistDir = resolve(raw.WEB_DIST_DIR);
    this.database = {
      kind: raw.DATABASE_URL ? 'postgres' : 'embedded',
      url: raw.DATABASE_URL,
      poolSize: raw.DATABASE_POOL_SIZE,
      embeddedDir: join(this.dataDir, 'pglite'),
    };
    this.redisUrl = raw.REDIS_URL;
    this.jwt = {
      secret: jwtSecret.secret,
      generated: jwtSecret.generated,
      accessTtlSeconds: raw.JWT_ACCESS_TTL_SECONDS,
      refreshTtlDays: raw.REFRESH_TTL_DAYS,
    };
    this.inviteTtlHours = raw.INVITE_TTL_HOURS;
    this.loginThrottle = { limit: raw.LOGIN_THROTTLE_LIMIT, ttlSeconds: raw.LOGIN_THROTTLE_TTL_SECONDS };
    this.storage =
      raw.S3_ENDPOINT && raw.S3_ACCESS_KEY && raw.S3_SECRET_KEY
        ? {
            kind: 's3',
            localDir: join(this.dataDir, 'objects'),
            s3: {
              endpoint: raw.S3_ENDPOINT,
              accessKey: raw.S3_ACCESS_KEY,
              secretKey: raw.S3_SECRET_KEY,
              bucket: raw.S3_BUCKET,
              region: raw.S3_REGION,
            },
          }
        : { kind: 'local', localDir: join(this.dataDir, 'objects') };
    this.search = raw.MEILI_URL
      ? {
          kind: 'meilisearch',
          dataDir: this.dataDir,
          thread: raw.SEARCH_THREAD,
          meili: { url: raw.MEILI_URL, apiKey: raw.MEILI_MASTER_KEY, index: raw.MEILI_INDEX },
        }
      : { kind: 'embedded', dataDir: this.dataDir, thread: raw.SEARCH_THREAD };
    this.uploadMaxBytes = raw.UPLOAD_MAX_BYTES;
    this.heapGrowingPercent = raw.HEAP_GROWING_PERCENT;
    this.seedDemo = raw.SEED_DEMO ?? !raw.DATABASE_URL;
    this.logLevel = raw.LOG_LEVEL;
    this.rtc = { stunUrls: raw.STUN_URLS ?? [], turnUrls: raw.TURN_URLS ?? [], turnSecret: raw.TURN_SECRET };
    Object.freeze(this);
  }

  /** A loggable summary: no secrets, no credentials in URLs. */
  describe(): Record<string, unknown> {
    return {
      env: this.env,
      port: this.port,
      classroomPort: this.classroomPort,
      publicUrl: this.publicUrl,
      dataDir: this.dataDir,
      database: this.database.kind,
      redis: this.redisUrl ? redactUrl(this.redisUrl) : 'off',
      storage: this.storage.kind,
      search: this.search.kind,
      jwtSecret: this.jwt.generated ? 'generated (embedded mode)' : 'from env',
    };
  }
}

export function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '***';
  }
}

/**
 * Validates the environment once. Every bad variable is named in one error. In production a
 * JWT secret is mandatory; on an embedded (no DATABASE_URL) machine one is generated and kept in
 * the data directory so tokens survive restarts.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
  }
  const raw = parsed.success ? parsed.data : undefined;
  if (raw) {
    if (raw.NODE_ENV === 'production' && !raw.JWT_SECRET) {
      problems.push('JWT_SECRET: required in production (at least 32 characters)');
    }
    if (raw.S3_ENDPOINT && (!raw.S3_ACCESS_KEY || !raw.S3_SECRET_KEY)) {
      if (!raw.S3_ACCESS_KEY) problems.push('S3_ACCESS_KEY: required when S3_ENDPOINT is set');
      if (!raw.S3_SECRET_KEY) problems.push('S3_SECRET_KEY: required when S3_ENDPOINT is set');
    }
    if (raw.TURN_URLS && !raw.TURN_SECRET) problems.push('TURN_SECRET: required when TURN_URLS is set');
  }
  if (problems.length > 0 || !raw) throw new ConfigValidationError(problems);
  return new AppConfig(raw, resolveJwtSecret(raw));
}

function resolveJwtSecret(raw: RawEnv): { secret: string; generated: boolean } {
  if (raw.JWT_SECRET) return { secret: raw.JWT_SECRET, generated: false };
  const dir = resolve(raw.TONGKE_DATA_DIR);
  const file = join(dir, 'jwt-secret');
  mkdirSync(dir, { recursive: true });
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), generated: true };
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return { secret, generated: true };
}
