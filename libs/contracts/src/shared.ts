/** The browser-safe part of the contracts: constants and types, no decorators. The web app imports this. */
export * from './api/constants.js';
export * from './taxonomy.js';
export type * from './api/types.js';
export type * from './api/socket-events.js';
export type * from './api/events.js';
export * from './api/planning.js';
export * from './api/lessons.js';
export * from './api/library.js';
export * from './api/search.js';
export * from './equity.js';
