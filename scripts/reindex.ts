/**
 * Rebuilds the search index from the database: clears it, then indexes every live resource in
 * batches, printing progress. Works on the embedded engine (the data dir's index) and on
 * Meilisearch (MEILI_URL), against PGlite or PostgreSQL (DATABASE_URL), from the same env as
 * the API.
 *
 *   npm run reindex              # builds the server, then runs this
 *   npm run reindex -- --force   # even if an API seems to be running on this machine
 *
 * Embedded database or embedded index: both belong to one process, so stop the API first (or
 * ask the running API to do it: POST /api/search/reindex as a platform admin). With PostgreSQL
 * and Meilisearch it may run beside live API instances: changes made meanwhile are synced again
 * by their indexers afterwards.
 */
import 'reflect-metadata';
import { loadConfig } from '@tongke/config';
import { closeEmbeddedDatabase, openDataSource, targetFromConfig } from '@tongke/database';
import { createSearchEngine } from '@tongke/search';
import { ResourceSearchDocuments } from '../apps/api/src/library/search/resource-search-documents.service.js';
import { rebuildIndex, type RebuildProgress } from '../apps/api/src/search/indexer/rebuild-index.js';
import { ResourceOutboxRepository } from '../apps/api/src/search/indexer/resource-outbox.repository.js';
import { searchEngineConfigOf } from '../apps/api/src/search/search-engine.provider.js';

const BATCH = 500;
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

const embedded = config.database.kind === 'embedded' || config.search.kind === 'embedded';
if (embedded && !force && (await apiIsRunning())) {
  console.error(
    `An API answers on port ${config.port}, and this deployment's ${config.database.kind === 'embedded' ? 'database' : 'search index'} ` +
      'is embedded in its process. Stop it first, or let it rebuild the index itself: POST /api/search/reindex ' +
      '(as a platform admin). Use --force to go ahead anyway.',
  );
  process.exit(2);
}

const describe =
  config.search.kind === 'meilisearch'
    ? `Meilisearch index "${config.search.meili?.index}"`
    : `embedded index in ${config.dataDir}/search`;
console.log(
  `Rebuilding the ${describe} from the ${config.database.kind === 'postgres' ? 'PostgreSQL' : 'embedded'} database…`,
);

const dataSource = await openDataSource(targetFromConfig(config));
const engine = createSearchEngine(searchEngineConfigOf(config.search));
let exitCode = 0;
try {
  const fmt = new Intl.NumberFormat('en');
  const tty = process.stdout.isTTY;
  let lastLine = 0;
  const progress = (p: RebuildProgress): void => {
    const rate = p.elapsedMs > 0 ? Math.round((p.indexed * 1000) / p.elapsedMs) : 0;
    const pct = p.total > 0 ? ((100 * p.indexed) / p.total).toFixed(1) : '100.0';
    const line = `  ${fmt.format(p.indexed)} / ${fmt.format(p.total)} resources (${pct} %), ${fmt.format(rate)}/s`;
    // One line, rewritten in a terminal; a line every 5 s in a log.
    if (tty) process.stdout.write(`\r${line}`);
    else if (Date.now() - lastLine > 5_000 || p.indexed === p.total) {
      lastLine = Date.now();
      console.log(line);
    }
  };
  const result = await rebuildIndex(
    {
      engine,
      documents: new ResourceSearchDocuments(dataSource),
      outbox: new ResourceOutboxRepository(dataSource),
    },
    { batchSize: BATCH, onProgress: progress },
  );
  if (tty) process.stdout.write('\n');
  console.log(
    `Done in ${(result.tookMs / 1000).toFixed(1)} s: ${fmt.format(result.indexed)} resources indexed ` +
      `(the index had ${fmt.format(result.previous)}); ${fmt.format(result.requeued)} changes made meanwhile handed back to the indexer.`,
  );
} catch (err) {
  console.error(`\nReindex failed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  await engine.close().catch(() => undefined);
  await dataSource.destroy().catch(() => undefined);
  if (config.database.kind === 'embedded' && config.database.embeddedDir)
    await closeEmbeddedDatabase(config.database.embeddedDir).catch(() => undefined);
}
process.exit(exitCode);
