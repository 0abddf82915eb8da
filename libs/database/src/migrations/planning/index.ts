import { PlanningDomain1795443425519 } from './1795443425519-planning-domain.js';

/** Migrations of the planning domain (generated with `npm run migration:generate`, reviewed, then listed here). */
export const PLANNING_MIGRATIONS: (new () => object)[] = [PlanningDomain1795443425519];
