import { Lessons1795443043919 } from './1795443043919-lessons.js';

/** Migrations of the lessons domain (generated with `npm run migration:generate`, reviewed, then listed here). */
export const LESSONS_MIGRATIONS: (new () => object)[] = [Lessons1795443043919];
