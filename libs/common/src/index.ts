export * from './app-error.js';
export * from './http-exception.filter.js';
export * from './validation.js';
export * from './logger.js';
export * from './domain-events.js';
export * from './heap.js';
