import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const url = z.string().url();

/**
 * Every environment variable the apps read. Parsed once at boot; nothing else reads process.env.
 * Keep docs/config table in README.md in step with this schema.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  CLASSROOM_PORT: port.default(3001),
  PUBLIC_URL: url.optional(),
  REALTIME_PUBLIC_URL: url.optional(),
  CLASSROOM_INTERNAL_URL: url.optional(),
  ALLOWED_ORIGINS: list.optional(),
  WEB_DIST_DIR: z.string().min(1).default('./dist/web'),
  TONGKE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).max(86400).default(900),
  REFRESH_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  INVITE_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(72),
  LOGIN_THROTTLE_LIMIT: z.coerce.number().int().min(1).default(10),
  LOGIN_THROTTLE_TTL_SECONDS: z.coerce.number().int().min(1).default(60),
  S3_ENDPOINT: url.optional(),
  S3_ACCESS_KEY: z.string().min(1).optional(),
  S3_SECRET_KEY: z.string().min(1).optional(),
  S3_BUCKET: z.string().min(3).default('tongke'),
  S3_REGION: z.string().default('us-east-1'),
  MEILI_URL: url.optional(),
  MEILI_MASTER_KEY: z.string().min(1).optional(),
  MEILI_INDEX: z.string().min(1).default('resources'),
  SEARCH_THREAD: bool.default(true),
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(100),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(2 * 1024 ** 3),
  SEED_DEMO: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TURN_URLS: list.optional(),
  TURN_SECRET: z.string().min(16).optional(),
  STUN_URLS: list.optional(),
});

export type RawEnv = z.infer<typeof envSchema>;
