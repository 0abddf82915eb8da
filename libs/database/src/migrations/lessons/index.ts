/** Migrations of the lessons domain (generated with `npm run migration:generate`, reviewed, then listed here). */
export const LESSONS_MIGRATIONS: (new () => object)[] = [];
