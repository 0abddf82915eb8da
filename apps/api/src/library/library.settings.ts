import { Injectable } from '@nestjs/common';

/**
 * Tunables of the library's background jobs and download path. Defaults suit production; tests
 * and the bench adjust the instance they get from the app (it is a plain mutable object).
 */
@Injectable()
export class LibrarySettings {
  /**
   * S3 mode only: answer downloads with a 302 to a short-lived presigned URL instead of proxying
   * the bytes. Off by default: rural schools may reach the API but not the object store directly.
   * (Candidate for an env variable, e.g. DOWNLOAD_REDIRECT=presigned, in libs/config.)
   */
  downloadRedirect = false;
  presignTtlSeconds = 300;
  /** How often the text-extraction worker looks for pending files (it is also kicked after uploads). */
  extractionPollMs = 5_000;
  /** Attempts before a file's extraction is marked failed (corrupt files fail at once). */
  extractionMaxAttempts = 3;
  /** Run background jobs (extraction, garbage collection) on their timers. */
  backgroundJobs = true;
  gcIntervalMs = 60 * 60 * 1000;
  /** Unreferenced objects younger than this are kept: an upload may be between store and commit. */
  objectGraceMs = 60 * 60 * 1000;
  /** Unfinished tus uploads untouched for this long are abandoned and their staged bytes removed. */
  stagingMaxAgeMs = 24 * 60 * 60 * 1000;
  /** LibreOffice conversion time limit. */
  renditionTimeoutMs = 120_000;
}
