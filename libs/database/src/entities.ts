import { Classroom, Invite, Pairing, RefreshToken, Region, School, User } from './entities/index.js';

/** Every entity, in one list the DataSource and the migration generator share. */
export const ENTITIES = [Region, School, Classroom, User, RefreshToken, Invite, Pairing];
