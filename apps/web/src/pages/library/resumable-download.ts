import type { ErrorResponse } from '@tongke/contracts';
import { api, ApiError } from '../../api/client';

export interface DownloadProgress {
  received: number;
  total: number | null;
  /** Set while waiting to continue after the link dropped. */
  resuming: boolean;
}

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000];

const sleep = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

async function refusal(res: Response): Promise<ApiError> {
  let body: Partial<ErrorResponse> = {};
  try {
    body = (await res.json()) as Partial<ErrorResponse>;
  } catch {
    // not JSON
  }
  return new ApiError({
    statusCode: res.status,
    code: typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
    message: typeof body.message === 'string' ? body.message : res.statusText,
    requestId: body.requestId,
  });
}

/**
 * Downloads an API file for saving, continuing where it stopped when the link drops: the next
 * request asks for the rest (`Range: bytes=<received>-`, `If-Range: <ETag>`), so a flaky rural
 * link does not start a large file over. Refusals (404, 410, …) are thrown as ApiError at once.
 */
export async function downloadResumably(
  apiPath: string,
  onProgress: (p: DownloadProgress) => void,
): Promise<Blob> {
  const parts: Uint8Array[] = [];
  let received = 0;
  let total: number | null = null;
  let etag: string | null = null;
  let type = 'application/octet-stream';
  let renew = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const token = await api.accessTokenForUpload(renew);
      renew = false;
      const headers: Record<string, string> = {};
      if (token) headers.Authorization = `Bearer ${token}`;
      if (received > 0 && etag) {
        headers.Range = `bytes=${received}-`;
        headers['If-Range'] = etag;
      } else if (received > 0) {
        parts.length = 0; // nothing to tell the server which version we have: start again
        received = 0;
      }
      const res = await fetch(apiPath, { headers, cache: 'no-store', credentials: 'same-origin' });
      if (res.status === 401 && attempt === 0) {
        renew = true;
        continue;
      }
      if (!res.ok) throw await refusal(res);
      if (res.status === 200 && received > 0) {
        // The file changed since the first part (If-Range did not hold): the whole new one follows.
        parts.length = 0;
        received = 0;
      }
      etag = res.headers.get('ETag') ?? etag;
      type = res.headers.get('Content-Type') ?? type;
      const length = Number(res.headers.get('Content-Length') ?? NaN);
      if (Number.isFinite(length)) total = received + length;
      onProgress({ received, total, resuming: false });
      if (!res.body) throw new Error('no body');
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        received += value.length;
        onProgress({ received, total, resuming: false });
      }
      if (total !== null && received < total) throw new Error('the download ended early');
      return new Blob(parts as BlobPart[], { type });
    } catch (e) {
      if (e instanceof ApiError && e.status !== 0) throw e;
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined)
        throw new ApiError({ statusCode: 0, code: 'NETWORK', message: (e as Error).message });
      onProgress({ received, total, resuming: true });
      await sleep(delay);
    }
  }
}
