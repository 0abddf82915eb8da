import { jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { S3Error } from 'minio';
import { ObjectNotFoundError, StorageUnavailableError } from './errors.js';
import { S3ObjectStore, toS3StorageError, type S3ObjectStoreOptions } from './s3.object-store.js';
import { describeObjectStoreContract } from './testing/object-store.contract.js';
import { chunkedStream, deterministicBytes, readAllBytes, sha256 } from './testing/test-data.js';

const PART_SIZE = 5 * 1024 * 1024;

/** A port nothing listens on: bind to port 0, note it, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function uniqueBucket(): string {
  return `tongke-test-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

async function unavailableStore(): Promise<S3ObjectStore> {
  return new S3ObjectStore({
    endPoint: '127.0.0.1',
    port: await closedPort(),
    useSSL: false,
    accessKey: 'x',
    secretKey: 'y',
    bucket: 'closed-port',
    partSize: PART_SIZE,
  });
}

async function emptyBucket(store: S3ObjectStore): Promise<void> {
  const keys: string[] = [];
  for await (const key of store.list('')) keys.push(key);
  for (const key of keys) await store.delete(key);
}

// ---------------------------------------------------------------------------------------------
// In-process s3rver (always).

let s3rver: S3rver | undefined;
let s3rverDir: string | undefined;
let s3rverPort = 0;

async function startS3rver(): Promise<number> {
  if (s3rver === undefined) {
    s3rverDir = await mkdtemp(join(tmpdir(), 'tongke-s3rver-'));
    s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3rverDir });
    s3rverPort = (await s3rver.run()).port;
  }
  return s3rverPort;
}

afterAll(async () => {
  await s3rver?.close();
  if (s3rverDir !== undefined) await rm(s3rverDir, { recursive: true, force: true });
});

function s3rverOptions(port: number, bucket: string): S3ObjectStoreOptions {
  return {
    endPoint: '127.0.0.1',
    port,
    useSSL: false,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    bucket,
    region: 'us-east-1',
    partSize: PART_SIZE,
    maxRetries: 0,
  };
}

describeObjectStoreContract('S3ObjectStore on s3rver', {
  async create() {
    const store = new S3ObjectStore(s3rverOptions(await startS3rver(), uniqueBucket()));
    await store.init();
    return store;
  },
  createUnavailable: unavailableStore,
  multipartBytes: 12 * 1024 * 1024,
  partSize: PART_SIZE,
});

describe('S3ObjectStore specifics (s3rver)', () => {
  let store: S3ObjectStore;

  beforeAll(async () => {
    store = new S3ObjectStore(s3rverOptions(await startS3rver(), uniqueBucket()));
    await store.init();
    await store.init(); // idempotent
  });

  it('uploads large streams of unknown length as multipart, without ListMultipartUploads', async () => {
    const initiate = jest.spyOn(store.client, 'initiateNewMultipartUpload');
    const uploadPart = jest.spyOn(store.client, 'uploadPart');
    const complete = jest.spyOn(store.client, 'completeMultipartUpload');
    const findUploadId = jest.spyOn(store.client, 'findUploadId');
    try {
      const data = deterministicBytes(12 * 1024 * 1024, 11);
      await store.put('multi/part.bin', chunkedStream(data));
      expect(initiate).toHaveBeenCalledTimes(1);
      expect(uploadPart).toHaveBeenCalledTimes(3); // 5 + 5 + 2 MiB
      expect(complete).toHaveBeenCalledTimes(1);
      expect(findUploadId).not.toHaveBeenCalled();
      expect(sha256(await readAllBytes(await store.get('multi/part.bin')))).toBe(sha256(data));
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('sends objects smaller than a part with a single PUT', async () => {
    const initiate = jest.spyOn(store.client, 'initiateNewMultipartUpload');
    try {
      await store.put('single/put.bin', chunkedStream(deterministicBytes(PART_SIZE - 1, 2)));
      expect(initiate).not.toHaveBeenCalled();
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('never completes a multipart upload whose input failed after the first part', async () => {
    const abort = jest.spyOn(store.client, 'abortMultipartUpload');
    const complete = jest.spyOn(store.client, 'completeMultipartUpload');
    try {
      const data = deterministicBytes(8 * 1024 * 1024, 12);
      const failure = new Error('upload interrupted');
      await expect(
        store.put('multi/broken.bin', chunkedStream(data, { failAfter: 6 * 1024 * 1024, error: failure })),
      ).rejects.toBe(failure);
      expect(complete).not.toHaveBeenCalled();
      expect(abort).toHaveBeenCalledTimes(1); // s3rver answers 405, which is tolerated
      expect(await store.exists('multi/broken.bin')).toBe(false);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('stores non-ASCII content types verbatim while sending a header-safe one', async () => {
    await store.put('ct/教案.txt', Readable.from([Buffer.from('x')]), {
      contentType: 'text/plain; name="教案.txt"',
    });
    const response = await fetch((await store.presignGet('ct/教案.txt', { expiresSeconds: 30 })) as string);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect((await store.stat('ct/教案.txt'))?.contentType).toBe('text/plain; name="教案.txt"');
  });

  it('signs presigned URLs for the public endpoint when one is configured', async () => {
    const publicStore = new S3ObjectStore({
      ...s3rverOptions(s3rverPort, store.bucket),
      publicEndpoint: { endPoint: 'files.tongke.example', port: 443, useSSL: true },
    });
    const url = new URL(
      (await publicStore.presignGet('a/b.pdf', { expiresSeconds: 300, fileName: 'b.pdf' })) as string,
    );
    expect(url.origin).toBe('https://files.tongke.example');
    expect(url.pathname).toBe(`/${store.bucket}/a/b.pdf`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="b.pdf"; filename*=UTF-8''b.pdf`,
    );
    await expect(publicStore.presignGet('a/b.pdf', { expiresSeconds: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('reports a missing bucket in health()', async () => {
    const other = new S3ObjectStore(s3rverOptions(s3rverPort, uniqueBucket()));
    expect(await other.health()).toEqual({
      ok: false,
      detail: expect.stringContaining('bucket does not exist'),
    });
  });

  it('maps S3 and network errors to typed errors', () => {
    const noSuchKey = Object.assign(new S3Error('The specified key does not exist.'), { code: 'NoSuchKey' });
    expect(toS3StorageError(noSuchKey, 'ep', 'k')).toBeInstanceOf(ObjectNotFoundError);
    const denied = Object.assign(new S3Error('Access Denied'), { code: 'AccessDenied' });
    expect(toS3StorageError(denied, 'ep', 'k')).toBeInstanceOf(StorageUnavailableError);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toS3StorageError(refused, 'ep')).toBeInstanceOf(StorageUnavailableError);
    expect(toS3StorageError(new AggregateError([refused]), 'ep')).toBeInstanceOf(StorageUnavailableError);
    expect(
      toS3StorageError(new Error('Request failed after 1 retries: Error: Retryable HTTP status: 503'), 'ep'),
    ).toBeInstanceOf(StorageUnavailableError);
    const bug = new TypeError('bug');
    expect(toS3StorageError(bug, 'ep')).toBe(bug);
  });

  afterAll(async () => {
    await emptyBucket(store);
  });
});

// ---------------------------------------------------------------------------------------------
// A real S3 / MinIO endpoint, only when configured, e.g.
//   S3_TEST_ENDPOINT=http://127.0.0.1:9000 S3_TEST_ACCESS_KEY=minioadmin S3_TEST_SECRET_KEY=minioadmin

const realEndpoint = process.env['S3_TEST_ENDPOINT'];
const realAccessKey = process.env['S3_TEST_ACCESS_KEY'];
const realSecretKey = process.env['S3_TEST_SECRET_KEY'];

if (realEndpoint !== undefined && realAccessKey !== undefined && realSecretKey !== undefined) {
  const url = new URL(realEndpoint);
  const useSSL = url.protocol === 'https:';
  let real: S3ObjectStore | undefined;
  describeObjectStoreContract(`S3ObjectStore on ${url.host}`, {
    async create() {
      real = new S3ObjectStore({
        endPoint: url.hostname,
        port: url.port === '' ? (useSSL ? 443 : 80) : Number(url.port),
        useSSL,
        accessKey: realAccessKey,
        secretKey: realSecretKey,
        bucket: uniqueBucket(),
        region: process.env['S3_TEST_REGION'] ?? 'us-east-1',
        partSize: PART_SIZE,
      });
      await real.init();
      return real;
    },
    createUnavailable: unavailableStore,
    multipartBytes: 12 * 1024 * 1024,
    partSize: PART_SIZE,
    async dispose() {
      if (real === undefined) return;
      await emptyBucket(real);
      await real.client.removeBucket(real.bucket);
    },
  });
}
