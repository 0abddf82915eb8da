/** Migrations of the library domain (generated with `npm run migration:generate`, reviewed, then listed here). */
export const LIBRARY_MIGRATIONS: (new () => object)[] = [];
