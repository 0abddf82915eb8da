import { Classroom, Invite, Pairing, RefreshToken, Region, School, User } from './entities/index.js';
import { EQUITY_ENTITIES } from './entities/equity/index.js';
import { LESSONS_ENTITIES } from './entities/lessons/index.js';
import { LIBRARY_ENTITIES } from './entities/library/index.js';
import { PLANNING_ENTITIES } from './entities/planning/index.js';

export const CORE_ENTITIES = [Region, School, Classroom, User, RefreshToken, Invite, Pairing];

/** Every entity, in one list the DataSource and the migration generator share. */
export const ENTITIES = [
  ...CORE_ENTITIES,
  ...LIBRARY_ENTITIES,
  ...LESSONS_ENTITIES,
  ...PLANNING_ENTITIES,
  ...EQUITY_ENTITIES,
];
