import 'reflect-metadata';
import { createTestDatabase, MIGRATIONS, openDataSource, type TestDatabase } from '@tongke/database';
import type { DataSource } from 'typeorm';

async function userTables(ds: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openDataSource(db.target, false);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('run every migration up on an empty database, leave the schema matching the entities, and down again', async () => {
    expect(await userTables(ds)).toEqual([]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect(await userTables(ds)).toEqual(expect.arrayContaining(['regions', 'schools', 'users', 'pairings']));

    // No drift: the entities need no further DDL after the migrations.
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);

    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await userTables(ds)).toEqual([]);
    const enums: unknown[] = await ds.query(`SELECT typname FROM pg_type WHERE typtype = 'e'`);
    expect(enums).toEqual([]);

    // And up again: down left nothing behind that would block a re-run.
    expect(await ds.runMigrations({ transaction: 'each' })).toHaveLength(MIGRATIONS.length);
  });
});
