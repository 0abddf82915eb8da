import { useCallback, useEffect, useRef, useState } from 'react';
import { Upload, type DetailedError, type HttpRequest, type PreviousUpload } from 'tus-js-client';
import { TUS_METADATA_KEYS, TUS_UPLOAD_PATH, type ErrorResponse } from '@tongke/contracts';
import { api, ApiError } from '../../api/client';

/**
 * Bytes per PATCH, from localStorage (`tongke.upload.chunkBytes`); unset means one PATCH for the
 * whole file, which the API stores while it arrives. Smaller chunks lose less on a link that drops
 * often (and let tests interrupt an upload half-way).
 */
export const CHUNK_SIZE_KEY = 'tongke.upload.chunkBytes';

function chunkSize(): number {
  try {
    const n = Number(window.localStorage.getItem(CHUNK_SIZE_KEY));
    return Number.isSafeInteger(n) && n > 0 ? n : Infinity;
  } catch {
    return Infinity;
  }
}

/** A resumable upload's fingerprint: the same file for the same resource resumes, after a reload too. */
const fingerprintOf = (file: File, resourceId: string, versionId: string | null) =>
  ['tongke-upload', resourceId, versionId ?? '', file.name, file.size, file.lastModified].join('/');

export type UploadPhase = 'idle' | 'uploading' | 'retrying' | 'paused' | 'done' | 'error';

export interface UploadState {
  phase: UploadPhase;
  fileName: string;
  sent: number;
  total: number;
  /** Automatic retry count while the connection is down. */
  attempt: number;
  /** Where an earlier upload of this file was found to have stopped (bytes), when resuming. */
  resumedFrom: number | null;
  error: unknown;
}

const IDLE: UploadState = {
  phase: 'idle',
  fileName: '',
  sent: 0,
  total: 0,
  attempt: 0,
  resumedFrom: null,
  error: null,
};

/** A tus error as the API's own error (its `{ statusCode, code, message }` body), or a network error. */
function toApiError(err: Error): ApiError {
  const res = (err as Partial<DetailedError>).originalResponse;
  if (!res) return new ApiError({ statusCode: 0, code: 'NETWORK', message: err.message });
  try {
    const body = JSON.parse(res.getBody()) as Partial<ErrorResponse>;
    if (typeof body.code === 'string')
      return new ApiError({
        statusCode: res.getStatus(),
        code: body.code,
        message: body.message ?? err.message,
      });
  } catch {
    // not JSON: fall through
  }
  return new ApiError({ statusCode: res.getStatus(), code: `HTTP_${res.getStatus()}`, message: err.message });
}

/** Which failures are worth retrying on their own: a dropped link, a gateway, an expired token, a lost race. */
function retryable(err: DetailedError): boolean {
  const res = err.originalResponse;
  if (!res) return true;
  return [401, 409, 423, 502, 504].includes(res.getStatus());
}

/** Asks the API where an earlier upload stopped (tus HEAD). */
async function offsetOf(previous: PreviousUpload): Promise<number | null> {
  if (!previous.uploadUrl) return null;
  const token = await api.accessTokenForUpload();
  const res = await fetch(previous.uploadUrl, {
    method: 'HEAD',
    headers: { 'Tus-Resumable': '1.0.0', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    cache: 'no-store',
  }).catch(() => null);
  const offset = Number(res?.ok ? res.headers.get('Upload-Offset') : NaN);
  return Number.isFinite(offset) ? offset : null;
}

/**
 * One resumable upload (tus) into a resource's current (or given) version: progress, pause,
 * resume, automatic retries when the link drops, and resumption after a reload (the upload URL is
 * remembered in localStorage under a fingerprint of resource and file).
 */
export function useTusUpload(onDone: () => void) {
  const [state, setState] = useState<UploadState>(IDLE);
  const upload = useRef<Upload | null>(null);
  const renewToken = useRef(false);
  const done = useRef(onDone);
  done.current = onDone;

  useEffect(
    () => () => {
      void upload.current?.abort();
    },
    [],
  );

  const start = useCallback(async (file: File, resourceId: string, versionId: string | null = null) => {
    void upload.current?.abort();
    setState({ ...IDLE, phase: 'uploading', fileName: file.name, total: file.size });
    const u = new Upload(file, {
      endpoint: TUS_UPLOAD_PATH,
      chunkSize: chunkSize(),
      retryDelays: [0, 1000, 2000, 4000, 8000, 15000, 30000],
      metadata: {
        [TUS_METADATA_KEYS.resourceId]: resourceId,
        [TUS_METADATA_KEYS.fileName]: file.name,
        ...(versionId ? { [TUS_METADATA_KEYS.versionId]: versionId } : {}),
      },
      fingerprint: (f) => Promise.resolve(fingerprintOf(f, resourceId, versionId)),
      removeFingerprintOnSuccess: true,
      onBeforeRequest: async (req: HttpRequest) => {
        const token = await api.accessTokenForUpload(renewToken.current);
        renewToken.current = false;
        if (token) req.setHeader('Authorization', `Bearer ${token}`);
      },
      onShouldRetry: (err, attempt) => {
        if (!retryable(err)) return false;
        if (err.originalResponse?.getStatus() === 401) renewToken.current = true;
        setState((s) => ({ ...s, phase: 'retrying', attempt: attempt + 1 }));
        return true;
      },
      onProgress: (sent, total) =>
        setState((s) => ({
          ...s,
          sent,
          total,
          phase: s.phase === 'retrying' ? 'uploading' : s.phase,
          attempt: s.phase === 'retrying' ? 0 : s.attempt,
        })),
      onSuccess: () => {
        setState((s) => ({ ...s, phase: 'done', sent: s.total }));
        done.current();
      },
      onError: (err) => setState((s) => ({ ...s, phase: 'error', error: toApiError(err) })),
    });
    upload.current = u;
    const previous = await u.findPreviousUploads().catch(() => []);
    const latest = previous.sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
    if (latest) {
      u.resumeFromPreviousUpload(latest);
      const offset = await offsetOf(latest);
      if (offset !== null && offset > 0) setState((s) => ({ ...s, resumedFrom: offset, sent: offset }));
    }
    if (upload.current === u) u.start();
  }, []);

  const pause = useCallback(() => {
    void upload.current?.abort();
    setState((s) => (s.phase === 'uploading' || s.phase === 'retrying' ? { ...s, phase: 'paused' } : s));
  }, []);

  /** Continues a paused or failed upload from where the server says it stopped. */
  const resume = useCallback(() => {
    if (!upload.current) return;
    setState((s) => ({ ...s, phase: 'uploading', error: null, attempt: 0 }));
    upload.current.start();
  }, []);

  const reset = useCallback(() => {
    void upload.current?.abort();
    upload.current = null;
    setState(IDLE);
  }, []);

  return { state, start, pause, resume, reset };
}
