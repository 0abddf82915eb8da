export * from './region.entity.js';
export * from './school.entity.js';
export * from './classroom.entity.js';
export * from './user.entity.js';
export * from './refresh-token.entity.js';
export * from './invite.entity.js';
export * from './pairing.entity.js';
