import { LocalDiskObjectStore } from './local-disk.object-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore, type S3ObjectStoreOptions } from './s3.object-store.js';

export type ObjectStoreConfig =
  ({ driver: 's3' } & S3ObjectStoreOptions) | { driver: 'local'; rootDir: string };

/** Builds the configured adapter (call init() on the result before use). */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  return config.driver === 's3' ? new S3ObjectStore(config) : new LocalDiskObjectStore(config.rootDir);
}
