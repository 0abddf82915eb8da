/**
 * Generates a migration from the difference between the entities and a database that has every
 * existing migration applied (a fresh embedded database unless DATABASE_URL is set).
 * Usage: npm run migration:generate -- <PascalCaseName>
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, openDataSource } from '@tongke/database';

const [name, domain = 'core'] = process.argv.slice(2);
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name) || !/^[a-z]+$/.test(domain)) {
  console.error(
    'usage: npm run migration:generate -- <PascalCaseName> [core|library|lessons|planning|equity]',
  );
  process.exit(2);
}
const db = await createTestDatabase();
const dataSource = await openDataSource(db.target, true);
try {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) {
    console.log('No changes: the entities match the migrations.');
  } else {
    const timestamp = Date.now();
    const q = (s: string) => JSON.stringify(s);
    const up = sql.upQueries.map(
      (x) =>
        `    await queryRunner.query(${q(x.query)}${x.parameters?.length ? `, ${JSON.stringify(x.parameters)}` : ''});`,
    );
    const down = sql.downQueries
      .reverse()
      .map(
        (x) =>
          `    await queryRunner.query(${q(x.query)}${x.parameters?.length ? `, ${JSON.stringify(x.parameters)}` : ''});`,
      );
    const file = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up.join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${down.join('\n')}
  }
}
`;
    const path = join(
      'libs/database/src/migrations',
      domain,
      `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.ts`,
    );
    writeFileSync(path, file);
    console.log(
      `Wrote ${path}: review it (drop statements of other domains' tables), then list it in libs/database/src/migrations/${domain}/index.ts.`,
    );
  }
} finally {
  await dataSource.destroy();
  await db.drop();
}
