import { Library1795444074870 } from './1795444074870-library.js';

/** Migrations of the library domain (generated with `npm run migration:generate`, reviewed, then listed here). */
export const LIBRARY_MIGRATIONS: (new () => object)[] = [Library1795444074870];
