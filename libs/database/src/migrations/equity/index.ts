/** Migrations of the equity domain (generated with `npm run migration:generate`, reviewed, then listed here). */
export const EQUITY_MIGRATIONS: (new () => object)[] = [];
