/** The browser-safe planning contracts: constants and shapes, the Yjs document helpers and the sync provider. */
export * from '../api/planning.js';
export * from './plan-doc.js';
export * from './plan-provider.js';
