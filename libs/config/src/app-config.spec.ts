import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, loadConfig } from './app-config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'tongke-config-'));

describe('loadConfig', () => {
  it('boots with embedded defaults on a bare machine', () => {
    const config = loadConfig({ TONGKE_DATA_DIR: dataDir() });
    expect(config.port).toBe(3000);
    expect(config.database.kind).toBe('embedded');
    expect(config.storage.kind).toBe('local');
    expect(config.search.kind).toBe('embedded');
    expect(config.seedDemo).toBe(true);
    expect(config.jwt.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('lets the heap double between full collections unless told otherwise, within bounds', () => {
    expect(loadConfig({ TONGKE_DATA_DIR: dataDir() }).heapGrowingPercent).toBe(100);
    expect(loadConfig({ TONGKE_DATA_DIR: dataDir(), HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(() => loadConfig({ TONGKE_DATA_DIR: dataDir(), HEAP_GROWING_PERCENT: '1000' })).toThrow(
      /HEAP_GROWING_PERCENT/,
    );
  });

  it('keeps the generated JWT secret across restarts', () => {
    const dir = dataDir();
    expect(loadConfig({ TONGKE_DATA_DIR: dir }).jwt.secret).toBe(
      loadConfig({ TONGKE_DATA_DIR: dir }).jwt.secret,
    );
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        TONGKE_DATA_DIR: dataDir(),
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        NODE_ENV: 'production',
        S3_ENDPOINT: 'http://minio:9000',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect((error as ConfigValidationError).problems.length).toBeGreaterThanOrEqual(2);
  });

  it('requires a JWT secret and S3 keys in production', () => {
    expect(() =>
      loadConfig({ TONGKE_DATA_DIR: dataDir(), NODE_ENV: 'production', S3_ENDPOINT: 'http://minio:9000' }),
    ).toThrow(/JWT_SECRET[\s\S]*S3_ACCESS_KEY[\s\S]*S3_SECRET_KEY/);
  });

  it('never puts secrets into the loggable description', () => {
    const secret = 'x'.repeat(40);
    const config = loadConfig({
      TONGKE_DATA_DIR: dataDir(),
      JWT_SECRET: secret,
      REDIS_URL: 'redis://:hunter2@127.0.0.1:6379',
      S3_ENDPOINT: 'http://minio:9000',
      S3_ACCESS_KEY: 'access',
      S3_SECRET_KEY: 'topsecretkey',
    });
    const text = JSON.stringify(config.describe());
    expect(text).not.toContain(secret);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('topsecretkey');
    expect(config.storage.kind).toBe('s3');
  });
});
