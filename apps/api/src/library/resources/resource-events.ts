import type { Principal } from '@tongke/auth';
import type { DomainActor, DomainEventMap, LibraryResourceRef } from '@tongke/contracts';
import type { Resource } from '@tongke/database';

export const actorOf = (p: Principal): DomainActor => ({
  userId: p.userId,
  schoolId: p.schoolId,
  regionId: p.regionId,
});

export const resourceRefOf = (r: Resource, authorIsMaster: boolean): LibraryResourceRef => ({
  authorId: r.authorId,
  schoolId: r.schoolId,
  regionId: r.regionId,
  isMasterTeacherAuthor: authorIsMaster,
  subject: r.subject,
  stage: r.stage,
  resourceType: r.resourceType,
});

export const publishedEventOf = (
  r: Resource,
  authorIsMaster: boolean,
  actor: DomainActor,
): DomainEventMap['resource.published'] => ({
  resourceId: r.id,
  visibility: r.visibility,
  isMasterTeacherAuthor: authorIsMaster,
  authorId: r.authorId,
  schoolId: r.schoolId,
  regionId: r.regionId,
  subject: r.subject,
  stage: r.stage,
  resourceType: r.resourceType,
  actor,
});
