import { labelOf, type LabelledCode, type NotificationDto, type NotificationKind } from '@tongke/contracts';
import type {
  ResourceFileDto,
  ResourceVersionDto,
  ReviewAction,
  ReviewEventDto,
  ReviewStage,
  ResourceVisibility,
  UploadSessionDto,
} from '@tongke/contracts';
import type {
  Notification,
  ResourceFile,
  ResourceVersion,
  ReviewEvent,
  UploadSession,
  User,
} from '@tongke/database';
import { INLINE_PREVIEW_KINDS, OFFICE_KINDS } from './file-kinds.js';

type TaxonomyKind = Parameters<typeof labelOf>[0];

export const labelled = (kind: TaxonomyKind, code: string): LabelledCode => ({
  code,
  name: labelOf(kind, code) ?? code,
});

export function toFileDto(f: ResourceFile, renderingAvailable: boolean): ResourceFileDto {
  return {
    id: f.id,
    resourceId: f.resourceId,
    versionId: f.versionId,
    name: f.originalName,
    kind: f.kind,
    mime: f.mime,
    size: f.size,
    sha256: f.sha256,
    extraction: { status: f.extractionStatus, truncated: f.textTruncated },
    previewable:
      INLINE_PREVIEW_KINDS.has(f.kind) ||
      (OFFICE_KINDS.has(f.kind) && (f.renditionKey !== null || renderingAvailable)),
    downloadUrl: `/api/files/${f.id}/download`,
    previewUrl: `/api/files/${f.id}/preview`,
    createdAt: f.createdAt.toISOString(),
  };
}

export function toVersionDto(
  v: ResourceVersion,
  creator: Pick<User, 'id' | 'displayName'> | undefined,
  files: ResourceFileDto[],
): ResourceVersionDto {
  return {
    id: v.id,
    number: v.number,
    note: v.note,
    createdBy: { id: v.createdById, displayName: creator?.displayName ?? '' },
    createdAt: v.createdAt.toISOString(),
    files,
  };
}

export function toReviewEventDto(
  e: ReviewEvent,
  actor: Pick<User, 'id' | 'displayName'> | undefined,
): ReviewEventDto {
  return {
    id: e.id,
    action: e.action as ReviewAction,
    actor: { id: e.actorId, displayName: actor?.displayName ?? '' },
    visibility: e.visibility as ResourceVisibility | null,
    stage: e.stage as ReviewStage | null,
    reason: e.reason,
    createdAt: e.createdAt.toISOString(),
  };
}

export const toNotificationDto = (n: Notification): NotificationDto => ({
  id: n.id,
  kind: n.kind as NotificationKind,
  resourceId: n.resourceId,
  message: n.message,
  readAt: n.readAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
});

export const toUploadSessionDto = (s: UploadSession): UploadSessionDto => ({
  id: s.id,
  resourceId: s.resourceId,
  versionId: s.versionId,
  fileName: s.fileName,
  size: s.declaredSize,
  status: s.status,
  fileId: s.fileId,
  error: s.errorCode ? { code: s.errorCode, message: s.errorMessage ?? '' } : null,
  createdAt: s.createdAt.toISOString(),
});
