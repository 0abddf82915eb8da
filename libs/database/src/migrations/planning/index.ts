/** Migrations of the planning domain (generated with `npm run migration:generate`, reviewed, then listed here). */
export const PLANNING_MIGRATIONS: (new () => object)[] = [];
