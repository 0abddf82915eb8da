import { CORE_MIGRATIONS } from './core/index.js';
import { EQUITY_MIGRATIONS } from './equity/index.js';
import { LESSONS_MIGRATIONS } from './lessons/index.js';
import { LIBRARY_MIGRATIONS } from './library/index.js';
import { PLANNING_MIGRATIONS } from './planning/index.js';

const timestampOf = (m: new () => object): number => Number(/(\d{13})$/.exec(m.name)?.[1] ?? 0);

/**
 * Every migration, oldest first. Each domain keeps its own list; TypeORM applies them in
 * timestamp order. Generate with `npm run migration:generate -- <Name>`, review, then list it.
 */
export const MIGRATIONS: (new () => object)[] = [
  ...CORE_MIGRATIONS,
  ...LIBRARY_MIGRATIONS,
  ...LESSONS_MIGRATIONS,
  ...PLANNING_MIGRATIONS,
  ...EQUITY_MIGRATIONS,
].sort((a, b) => timestampOf(a) - timestampOf(b));
