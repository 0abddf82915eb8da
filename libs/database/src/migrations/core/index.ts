import { Foundation1795442229705 } from './1795442229705-foundation.js';

export const CORE_MIGRATIONS: (new () => object)[] = [Foundation1795442229705];
