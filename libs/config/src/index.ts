export * from './app-config.js';
export * from './config.module.js';
export { envSchema } from './config.schema.js';
