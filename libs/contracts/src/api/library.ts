/**
 * The course-material library (资源库): constants and REST shapes shared by the API and the web
 * app. Browser-safe: no decorators, no Node APIs.
 */

/** Who may see a published resource (or a lesson pack). */
export const RESOURCE_VISIBILITIES = ['private', 'school', 'district', 'public'] as const;
export type ResourceVisibility = (typeof RESOURCE_VISIBILITIES)[number];

/** draft → (submit) pending_review → published → withdrawn; a rejection goes back to draft. */
export const RESOURCE_STATUSES = ['draft', 'pending_review', 'published', 'withdrawn'] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

/** Whose queue an open review request is in: the school admin's, then (for public) the district's. */
export const REVIEW_STAGES = ['school', 'district'] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];

export const REVIEW_ACTIONS = [
  'submitted',
  'published',
  'escalated',
  'approved',
  'rejected',
  'withdrawn',
  'revised',
] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export const EXTRACTION_STATUSES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type ExtractionStatus = (typeof EXTRACTION_STATUSES)[number];

export const UPLOAD_SESSION_STATUSES = ['receiving', 'processing', 'completed', 'failed', 'aborted'] as const;
export type UploadSessionStatus = (typeof UPLOAD_SESSION_STATUSES)[number];

export const NOTIFICATION_KINDS = [
  'review_approved',
  'review_escalated',
  'review_rejected',
  'resource_published',
  'resource_withdrawn',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const RESOURCE_SORTS = ['newest', 'downloads', 'rating', 'title'] as const;
export type ResourceSort = (typeof RESOURCE_SORTS)[number];

export const RESOURCE_LIST_SCOPES = ['visible', 'mine', 'favourites'] as const;
export type ResourceListScope = (typeof RESOURCE_LIST_SCOPES)[number];

export const LIBRARY_LIMITS = {
  titleMax: 200,
  descriptionMax: 5000,
  unitMax: 120,
  tagsMax: 20,
  tagMax: 30,
  noteMax: 500,
  reasonMax: 500,
  lessonPeriodMax: 99,
  filesPerVersionMax: 20,
  packItemsMax: 100,
  packTitleMax: 120,
  pageSizeMax: 100,
  /** Characters of extracted text kept per file (for search and the outline view). */
  extractedTextMaxChars: 200_000,
} as const;

/**
 * Upload-Metadata keys of a tus upload (`POST /api/uploads`). `filename` is what tus clients
 * (tus-js-client, Uppy) send by default; `resourceId` names the target resource, `versionId`
 * (optional) pins the version the client expects to be current.
 */
export const TUS_METADATA_KEYS = {
  resourceId: 'resourceId',
  versionId: 'versionId',
  fileName: 'filename',
} as const;

/** Mount point of the tus endpoint. */
export const TUS_UPLOAD_PATH = '/api/uploads';

/** Response header of the finishing tus PATCH (and of GET /api/uploads/:id) naming the stored file. */
export const UPLOAD_FILE_ID_HEADER = 'Tongke-File-Id';

export interface LabelledCode {
  code: string;
  name: string;
}

export interface CreateResourceRequest {
  title: string;
  description?: string;
  subject: string;
  stage: string;
  /** Grade label of the stage, e.g. 七年级. */
  grade: string;
  edition: string;
  volume: string;
  /** Free text, e.g. 第三单元 一元一次方程. */
  unit?: string;
  /** 课时 number within the unit. */
  lessonPeriod?: number | null;
  resourceType: string;
  tags?: string[];
  license: string;
  /** Visibility the author intends (applied when submitting); default school. */
  visibility?: ResourceVisibility;
}

export type UpdateResourceRequest = Partial<Omit<CreateResourceRequest, 'visibility'>>;

export interface SubmitResourceRequest {
  /** private and school are published at once; district and public go to review. */
  visibility: ResourceVisibility;
}

export interface RejectResourceRequest {
  reason: string;
}

export interface WithdrawResourceRequest {
  reason?: string;
}

export interface CreateVersionRequest {
  note: string;
  /** Start the new version with the current version's files (stored once, shared). */
  copyFiles?: boolean;
}

export interface RemixResourceRequest {
  title?: string;
}

export interface RateResourceRequest {
  /** 1–5. */
  stars: number;
}

export interface ResourceListQuery {
  scope?: ResourceListScope;
  status?: ResourceStatus;
  subject?: string;
  stage?: string;
  grade?: string;
  edition?: string;
  volume?: string;
  resourceType?: string;
  /** Substring of the title (full-text search is /api/search). */
  q?: string;
  sort?: ResourceSort;
  page?: number;
  pageSize?: number;
}

export interface ResourceFileDto {
  id: string;
  resourceId: string;
  versionId: string;
  /** Sanitised original file name (Chinese kept). */
  name: string;
  kind: string;
  mime: string;
  size: number;
  sha256: string;
  extraction: { status: ExtractionStatus; truncated: boolean };
  /** Whether /preview can show the file inline (PDF, images, audio, video, text; office when rendered). */
  previewable: boolean;
  downloadUrl: string;
  previewUrl: string;
  createdAt: string;
}

export interface ResourceVersionDto {
  id: string;
  number: number;
  note: string;
  createdBy: { id: string; displayName: string };
  createdAt: string;
  files: ResourceFileDto[];
}

export interface ResourceDto {
  id: string;
  title: string;
  description: string;
  subject: LabelledCode;
  stage: LabelledCode;
  grade: string;
  edition: LabelledCode;
  volume: LabelledCode;
  unit: string;
  lessonPeriod: number | null;
  resourceType: LabelledCode;
  tags: string[];
  license: LabelledCode;
  author: { id: string; displayName: string; isMasterTeacher: boolean };
  school: { id: string; name: string; locale: string };
  regionId: string;
  visibility: ResourceVisibility;
  status: ResourceStatus;
  /** Set while a request to publish more widely waits for review. */
  review: { requestedVisibility: ResourceVisibility; stage: ReviewStage } | null;
  /** Reason of the last rejection (shown to the author and reviewers). */
  lastRejection: string | null;
  /** A remix credits its source (kept even if the source is withdrawn). */
  remixOf: { id: string; title: string; authorName: string; available: boolean } | null;
  currentVersion: ResourceVersionDto | null;
  counts: { views: number; downloads: number; ratingAvg: number; ratingCount: number };
  /** The caller's own rating and favourite. */
  myRating: number | null;
  favourited: boolean;
  /** What the caller may do (for the browser's buttons; the API checks again). */
  can: {
    edit: boolean;
    upload: boolean;
    submit: boolean;
    withdraw: boolean;
    review: boolean;
    delete: boolean;
  };
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

export interface ResourcePageDto {
  items: ResourceDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ReviewEventDto {
  id: string;
  action: ReviewAction;
  actor: { id: string; displayName: string };
  visibility: ResourceVisibility | null;
  stage: ReviewStage | null;
  reason: string | null;
  createdAt: string;
}

export interface FileOutlineDto {
  fileId: string;
  kind: string;
  status: ExtractionStatus;
  outline: string[];
  /** Extracted text (capped). */
  text: string;
  truncated: boolean;
  /** PDF rendering of an office file: available when LibreOffice is installed on the server. */
  rendering: { available: boolean; url: string | null; reason: string | null };
  error: string | null;
}

/** A short-lived signed link to one file (`POST /api/files/:id/download-link` or `/preview-link`). */
export interface FileLinkDto {
  /** Same-origin path with a `sig` token: works without the Authorization header, for that file only. */
  url: string;
  /** A download or preview must start before this; one that started may be resumed for a few hours. */
  expiresAt: string;
}

export interface NotificationDto {
  id: string;
  kind: NotificationKind;
  resourceId: string | null;
  message: string;
  readAt: string | null;
  createdAt: string;
}

export interface UploadSessionDto {
  id: string;
  resourceId: string;
  versionId: string;
  fileName: string;
  size: number | null;
  status: UploadSessionStatus;
  fileId: string | null;
  error: { code: string; message: string } | null;
  createdAt: string;
}

export interface CreateLessonPackRequest {
  title: string;
  description?: string;
  visibility?: ResourceVisibility;
  resourceIds?: string[];
}

export type UpdateLessonPackRequest = Partial<Omit<CreateLessonPackRequest, 'resourceIds'>>;

export interface SetLessonPackItemsRequest {
  /** The full ordered list (replaces the current one). */
  resourceIds: string[];
}

export interface LessonPackItemDto {
  position: number;
  resource: ResourceDto;
}

export interface LessonPackDto {
  id: string;
  title: string;
  description: string;
  visibility: ResourceVisibility;
  owner: { id: string; displayName: string };
  schoolId: string;
  regionId: string;
  /** Only the items the caller may see, in order. */
  items: LessonPackItemDto[];
  /** Items hidden from the caller (not visible to them, or withdrawn). */
  hiddenItems: number;
  totalBytes: number;
  downloadUrl: string;
  can: { edit: boolean };
  createdAt: string;
  updatedAt: string;
}
