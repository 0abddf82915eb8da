/**
 * Recomputes every equity aggregate from the raw usage events, in one transaction (the numbers
 * come out the same as the incrementally maintained ones; test/equity checks it). Works against
 * PGlite or PostgreSQL (DATABASE_URL), from the same env as the API.
 *
 *   npm run analytics:rebuild              # builds the server, then runs this
 *   npm run analytics:rebuild -- --force   # even if an API seems to be running on this machine
 *
 * With PostgreSQL it may run beside live services: their usage batches wait for the rebuild's
 * table locks and are then added on top. The embedded database belongs to one process, so stop
 * the API first.
 */
import 'reflect-metadata';
import { rebuildEquity } from '@tongke/analytics';
import { loadConfig } from '@tongke/config';
import { closeEmbeddedDatabase, openDataSource, targetFromConfig } from '@tongke/database';

const force = process.argv.includes('--force');
const config = loadConfig();

async function apiIsRunning(): Promise<boolean> {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  try {
    const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${config.port}/api/health`, {
      signal: AbortSignal.timeout(1_500),
    });
    return res.ok;
  } catch {
    return false;
  }
}

if (config.database.kind === 'embedded' && !force && (await apiIsRunning())) {
  console.error(
    `An API answers on port ${config.port} and this deployment's database is embedded in its process. ` +
      'Stop it first, or use --force to go ahead anyway.',
  );
  process.exit(2);
}

console.log(
  `Rebuilding the equity aggregates from the usage events in the ${config.database.kind === 'postgres' ? 'PostgreSQL' : 'embedded'} database…`,
);
const dataSource = await openDataSource(targetFromConfig(config));
let exitCode = 0;
try {
  const fmt = new Intl.NumberFormat('en');
  const r = await rebuildEquity(dataSource);
  console.log(`Done in ${(r.tookMs / 1000).toFixed(1)} s from ${fmt.format(r.events)} usage events:`);
  for (const [table, n] of Object.entries(r.rows)) console.log(`  ${table.padEnd(32)} ${fmt.format(n)} rows`);
} catch (err) {
  console.error(`Rebuild failed (nothing was changed): ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  await dataSource.destroy().catch(() => undefined);
  if (config.database.kind === 'embedded' && config.database.embeddedDir)
    await closeEmbeddedDatabase(config.database.embeddedDir).catch(() => undefined);
}
process.exit(exitCode);
