export * from './entities/index.js';
export * from './entities.js';
export * from './data-source.js';
export * from './database.module.js';
export { MIGRATIONS } from './migrations/index.js';
export { getEmbeddedDatabase, closeEmbeddedDatabase } from './embedded/pglite-pool.js';
export * from './testing/test-database.js';
