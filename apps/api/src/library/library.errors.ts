import { AppError } from '@tongke/common';
import { DisallowedFileTypeError, EmptyFileError, FileTooLargeError } from '@tongke/files';
import {
  InvalidRangeError,
  ObjectNotFoundError,
  ObjectSizeMismatchError,
  ObjectTooLargeError,
  StorageUnavailableError,
} from '@tongke/storage';

export const LibraryErrors = {
  resourceNotFound: () => new AppError('LIBRARY_RESOURCE_NOT_FOUND', 404, 'Resource not found'),
  fileNotFound: () => new AppError('LIBRARY_FILE_NOT_FOUND', 404, 'File not found'),
  versionNotFound: () => new AppError('LIBRARY_VERSION_NOT_FOUND', 404, 'Version not found'),
  packNotFound: () => new AppError('LIBRARY_PACK_NOT_FOUND', 404, 'Lesson pack not found'),
  uploadNotFound: () => new AppError('LIBRARY_UPLOAD_NOT_FOUND', 404, 'Upload not found'),
  notificationNotFound: () => new AppError('LIBRARY_NOTIFICATION_NOT_FOUND', 404, 'Notification not found'),
  noSchool: () => new AppError('FORBIDDEN', 403, 'Only staff of a school can add resources to the library'),
  noRegion: () => new AppError('FORBIDDEN', 403, 'Only users of a county can make lesson packs'),
  notAuthor: () => new AppError('FORBIDDEN', 403, 'Only the author may change this resource'),
  notManager: () =>
    new AppError('FORBIDDEN', 403, 'Only the author or an administrator of the school may do this'),
  notReviewer: () => new AppError('FORBIDDEN', 403, 'You are not a reviewer of this request'),
  ownReview: () => new AppError('FORBIDDEN', 403, 'Nobody reviews their own resource'),
  notPackOwner: () => new AppError('FORBIDDEN', 403, 'Only the owner may change this lesson pack'),
  taxonomy: (fields: Record<string, string[]>) =>
    new AppError(
      'VALIDATION_FAILED',
      400,
      Object.values(fields)
        .map((p) => p.join(', '))
        .join('; '),
      { fields },
    ),
  underReview: () =>
    new AppError(
      'LIBRARY_UNDER_REVIEW',
      409,
      'The resource is waiting for review; withdraw the request first to change it',
    ),
  notAttachable: (status: string) =>
    new AppError(
      'LIBRARY_NOT_ATTACHABLE',
      409,
      `Files cannot be added to a ${status} resource published beyond the school; create a new version first`,
    ),
  versionNotCurrent: () =>
    new AppError(
      'LIBRARY_VERSION_NOT_CURRENT',
      409,
      'Files can only be added to the current version (a newer version exists)',
    ),
  tooManyFiles: (max: number) =>
    new AppError('LIBRARY_TOO_MANY_FILES', 409, `A version holds at most ${max} files`),
  badTransition: (from: string, action: string) =>
    new AppError('LIBRARY_BAD_TRANSITION', 409, `A ${from} resource cannot be ${action}`),
  noFiles: () => new AppError('LIBRARY_NO_FILES', 409, 'Attach at least one file before publishing'),
  noReviewOpen: () => new AppError('LIBRARY_NO_REVIEW_OPEN', 409, 'There is no open review request'),
  selfRating: () => new AppError('LIBRARY_OWN_RESOURCE', 409, 'Authors do not rate their own resources'),
  notPublished: () => new AppError('LIBRARY_NOT_PUBLISHED', 409, 'Only published resources can be rated'),
  remixNotPermitted: () =>
    new AppError(
      'LIBRARY_REMIX_NOT_PERMITTED',
      403,
      'The licence of this resource (all rights reserved) does not allow derived works',
    ),
  packItemsInvalid: (ids: string[]) =>
    new AppError(
      'LIBRARY_PACK_ITEMS_INVALID',
      400,
      `Unknown resources (or not visible to you): ${ids.join(', ')}`,
      { resourceIds: ids },
    ),
  fileGone: () =>
    new AppError('LIBRARY_FILE_GONE', 410, 'The file of this deleted resource has been removed'),
  previewNotAvailable: (kind: string) =>
    new AppError(
      'LIBRARY_PREVIEW_NOT_AVAILABLE',
      409,
      `A ${kind} file cannot be shown inline here; see its outline (GET /api/files/:id/outline) or download it`,
    ),
  rangeNotSatisfiable: (size: number) =>
    new AppError('LIBRARY_RANGE_NOT_SATISFIABLE', 416, `Range not satisfiable (size ${size})`, { size }),
  metadataMissing: (what: string) =>
    new AppError('LIBRARY_UPLOAD_METADATA_INVALID', 400, `Upload-Metadata must name ${what}`),
  uploadLengthMissing: () =>
    new AppError(
      'LIBRARY_UPLOAD_LENGTH_REQUIRED',
      400,
      'Upload-Length (or Upload-Defer-Length: 1) is required',
    ),
  uploadGone: (reason: string) => new AppError('LIBRARY_UPLOAD_GONE', 410, reason),
  multipartRequired: () =>
    new AppError(
      'LIBRARY_MULTIPART_REQUIRED',
      400,
      'Send the file as multipart/form-data with one part named "file"',
    ),
  fileTooLarge: (maxBytes: number) =>
    new AppError(
      'LIBRARY_FILE_TOO_LARGE',
      413,
      `文件超过 ${maxBytes} 字节的上限 / The file exceeds the limit of ${maxBytes} bytes`,
      { maxBytes },
    ),
  storageUnavailable: () =>
    new AppError(
      'STORAGE_UNAVAILABLE',
      503,
      '文件存储暂时不可用，请稍后重试 / File storage is unavailable; nothing was saved, try again later',
    ),
  storageInconsistent: () =>
    new AppError(
      'STORAGE_UNAVAILABLE',
      503,
      'The stored object changed while the upload finished; try again',
    ),
};

/**
 * Maps errors of the upload and download pipelines (files lib, storage port) to the domain's
 * errors; anything else is returned unchanged (a 500 with a request id).
 */
export function toLibraryError(err: unknown, maxBytes: number): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof DisallowedFileTypeError) {
    return new AppError('LIBRARY_FILE_TYPE_NOT_ALLOWED', 415, err.message, {
      detected: err.detected ?? null,
    });
  }
  if (err instanceof EmptyFileError) return new AppError('LIBRARY_FILE_EMPTY', 400, err.message);
  if (err instanceof FileTooLargeError || err instanceof ObjectTooLargeError)
    return LibraryErrors.fileTooLarge(maxBytes);
  if (err instanceof ObjectSizeMismatchError)
    return new AppError(
      'LIBRARY_UPLOAD_INCOMPLETE',
      400,
      `The upload ended after ${err.actual} of ${err.expected} declared bytes`,
    );
  if (err instanceof StorageUnavailableError) return LibraryErrors.storageUnavailable();
  if (err instanceof ObjectNotFoundError) return LibraryErrors.fileNotFound();
  if (err instanceof InvalidRangeError) return LibraryErrors.rangeNotSatisfiable(err.size ?? 0);
  return err;
}
