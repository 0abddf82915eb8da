import { LessonPackItem } from './lesson-pack-item.entity.js';
import { LessonPack } from './lesson-pack.entity.js';
import { Notification } from './notification.entity.js';
import { ResourceFavourite } from './resource-favourite.entity.js';
import { ResourceFile } from './resource-file.entity.js';
import { ResourceOutbox } from './resource-outbox.entity.js';
import { ResourceRating } from './resource-rating.entity.js';
import { ResourceVersion } from './resource-version.entity.js';
import { Resource } from './resource.entity.js';
import { ReviewEvent } from './review-event.entity.js';
import { UploadSession } from './upload-session.entity.js';

export * from './library-bigint.transformer.js';
export * from './resource.entity.js';
export * from './resource-version.entity.js';
export * from './resource-file.entity.js';
export * from './resource-rating.entity.js';
export * from './resource-favourite.entity.js';
export * from './lesson-pack.entity.js';
export * from './lesson-pack-item.entity.js';
export * from './review-event.entity.js';
export * from './notification.entity.js';
export * from './upload-session.entity.js';
export * from './resource-outbox.entity.js';

/** Entities owned by the library domain. Add each new entity class to LIBRARY_ENTITIES. */
export const LIBRARY_ENTITIES: (new () => object)[] = [
  Resource,
  ResourceVersion,
  ResourceFile,
  ResourceRating,
  ResourceFavourite,
  LessonPack,
  LessonPackItem,
  ReviewEvent,
  Notification,
  UploadSession,
  ResourceOutbox,
];
