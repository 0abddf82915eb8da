export * from './errors.js';
export * from './keys.js';
export * from './object-store.js';
export * from './content-addressed.js';
export * from './local-disk.object-store.js';
export * from './s3.object-store.js';
export * from './factory.js';
export { EarlyWriteback, WRITEBACK_BYTES } from './early-writeback.js';
export { validateMetadata, MAX_METADATA_BYTES } from './metadata.js';
