export * from './api/constants.js';
export type * from './api/types.js';
export type * from './api/socket-events.js';
export type * from './api/events.js';
export * from './dto/auth.dto.js';
export * from './dto/schools.dto.js';
export * from './dto/pairings.dto.js';
export * from './taxonomy.js';
