import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@tongke/config';
import { createEmbeddedPgDriver } from './embedded/pglite-pool.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

export interface DatabaseTarget {
  kind: 'postgres' | 'embedded';
  url?: string;
  poolSize?: number;
  embeddedDir?: string;
}

export function createDataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const base = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each' as const,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite; no extension to install.
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
    logging: ['error' as const],
  };
  if (target.kind === 'postgres') {
    if (!target.url) throw new Error('DATABASE_URL missing for postgres target');
    return { ...base, url: target.url, poolSize: target.poolSize ?? 10 };
  }
  if (!target.embeddedDir) throw new Error('embedded database directory missing');
  return { ...base, driver: createEmbeddedPgDriver(target.embeddedDir), database: 'postgres' };
}

export function targetFromConfig(config: AppConfig): DatabaseTarget {
  return {
    kind: config.database.kind,
    url: config.database.url,
    poolSize: config.database.poolSize,
    embeddedDir: config.database.embeddedDir,
  };
}

/** Opens the database and brings its schema up to date. */
export async function openDataSource(target: DatabaseTarget, runMigrations = true): Promise<DataSource> {
  const dataSource = new DataSource(createDataSourceOptions(target));
  await dataSource.initialize();
  if (runMigrations) await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
