export type SearchErrorCode =
  | 'SEARCH_UNAVAILABLE'
  | 'SEARCH_TASK_FAILED'
  | 'SEARCH_SNAPSHOT_CORRUPT'
  | 'SEARCH_REQUEST_FAILED'
  | 'SEARCH_INVALID_DOCUMENT';

export class SearchError extends Error {
  constructor(
    readonly code: SearchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The search backend cannot be reached (connection refused, DNS, timeout). */
export class SearchUnavailableError extends SearchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SEARCH_UNAVAILABLE', message, options);
  }
}

/** The backend accepted a write but its asynchronous task ended in another state than `succeeded`. */
export class SearchTaskFailedError extends SearchError {
  constructor(
    readonly taskUid: number,
    readonly taskStatus: string,
    readonly backendCode: string | null,
    message: string,
  ) {
    super('SEARCH_TASK_FAILED', message);
  }
}

/** The backend answered a request with an error (bad filter, bad settings, auth). */
export class SearchRequestError extends SearchError {
  constructor(
    readonly backendCode: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('SEARCH_REQUEST_FAILED', message, options);
  }
}

/** The embedded engine's snapshot on disk cannot be read. */
export class SearchSnapshotCorruptError extends SearchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SEARCH_SNAPSHOT_CORRUPT', message, options);
  }
}

export class SearchInvalidDocumentError extends SearchError {
  constructor(message: string) {
    super('SEARCH_INVALID_DOCUMENT', message);
  }
}
