import type { Provider } from '@nestjs/common';
import { AppConfig } from '@tongke/config';
import { createObjectStore, ObjectStore, type ObjectStoreConfig } from '@tongke/storage';

/** The adapter the configuration asks for: S3 (MinIO) when S3_ENDPOINT is set, else local disk. */
export function objectStoreConfigOf(config: AppConfig): ObjectStoreConfig {
  const s3 = config.storage.s3;
  if (config.storage.kind === 's3' && s3) {
    const url = new URL(s3.endpoint);
    return {
      driver: 's3',
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      useSSL: url.protocol === 'https:',
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      bucket: s3.bucket,
      region: s3.region,
    };
  }
  return { driver: 'local', rootDir: config.storage.localDir };
}

export const objectStoreProvider: Provider = {
  provide: ObjectStore,
  inject: [AppConfig],
  useFactory: (config: AppConfig): ObjectStore => createObjectStore(objectStoreConfigOf(config)),
};
