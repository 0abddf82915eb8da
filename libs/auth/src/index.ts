export * from './principal.js';
export * from './password-hasher.js';
export * from './token.service.js';
export * from './decorators.js';
export * from './auth.guard.js';
export * from './auth.module.js';
