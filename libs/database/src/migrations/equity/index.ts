import { Equity1795453839470 } from './1795453839470-equity.js';

/** Migrations of the equity domain (generated with `npm run migration:generate`, reviewed, then listed here). */
export const EQUITY_MIGRATIONS: (new () => object)[] = [Equity1795453839470];
