/**
 * Typed domain events: cross-domain side effects (search indexing, analytics) listen to these
 * instead of being called by the domain that caused them. Add a domain's events here.
 */
export interface DomainActor {
  userId: string;
  schoolId: string | null;
  regionId: string | null;
}

export interface DomainEventMap {
  'pairing.created': { pairingId: string; regionId: string; actor: DomainActor };
  'pairing.activated': { pairingId: string; regionId: string; actor: DomainActor };
  'pairing.ended': { pairingId: string; regionId: string; actor: DomainActor };
  'user.joined': { userId: string; schoolId: string | null; regionId: string | null; role: string };
  /** Someone edited a plan document (at most once per user and plan a minute). */
  'planning.edited': {
    planId: string;
    groupId: string;
    regionId: string;
    userId: string;
    schoolId: string | null;
    at: string;
  };
  'planning.session_attended': {
    sessionId: string;
    groupId: string;
    planId: string;
    regionId: string;
    userId: string;
    schoolId: string | null;
    at: string;
  };
  /** A plan version goes to the library as a resource (a generated DOCX), authored by the group, for review. */
  'planning.version_published': {
    planId: string;
    versionId: string;
    groupId: string;
    regionId: string;
    docx: Uint8Array;
    fileName: string;
    metadata: {
      title: string;
      resourceType: 'lesson_plan';
      subject: string;
      stage: string;
      grade: string;
      edition: string;
      volume: string;
      unit: string;
      lessonPeriod: number;
      versionName: string;
      author: { groupId: string; groupName: string };
    };
    actor: DomainActor;
  };
  /** A joint lesson went live (published by the classroom service, where lessons start and end). */
  'lesson.started': { lessonId: string; pairingId: string; regionId: string; startedAt: string };
  'lesson.ended': {
    lessonId: string;
    pairingId: string;
    regionId: string;
    startedAt: string;
    endedAt: string;
    minutes: number;
  };
  /** One per classroom of an ended lesson: minutes its device or co-teacher was connected during it. */
  'lesson.attendance': {
    lessonId: string;
    pairingId: string;
    regionId: string;
    classroomId: string;
    schoolId: string;
    minutes: number;
  };
  /** Library (资源库): a file was stored and attached to a resource version. */
  'resource.uploaded': {
    resourceId: string;
    versionId: string;
    fileId: string;
    kind: string;
    size: number;
    sha256: string;
    /** Identical content was already stored (no new object). */
    deduplicated: boolean;
    actor: DomainActor;
  };
  /** A resource became visible beyond its author (or more widely than before). */
  'resource.published': {
    resourceId: string;
    visibility: 'private' | 'school' | 'district' | 'public';
    isMasterTeacherAuthor: boolean;
    authorId: string;
    schoolId: string;
    regionId: string;
    subject: string;
    stage: string;
    resourceType: string;
    actor: DomainActor;
  };
  'resource.viewed': { resourceId: string; resource: LibraryResourceRef; actor: DomainActor };
  'resource.previewed': {
    resourceId: string;
    fileId: string;
    resource: LibraryResourceRef;
    actor: DomainActor;
  };
  /** Counted once per download (a ranged resume that does not start at 0 is not a new download). */
  'resource.downloaded': {
    resourceId: string;
    fileId: string | null;
    /** Set when the file went out inside a lesson pack's zip. */
    packId: string | null;
    bytes: number;
    resource: LibraryResourceRef;
    actor: DomainActor;
  };
}

/** Who made a library resource, for analytics (does quality material reach rural schools?). */
export interface LibraryResourceRef {
  authorId: string;
  schoolId: string;
  regionId: string;
  isMasterTeacherAuthor: boolean;
  subject: string;
  stage: string;
  resourceType: string;
}

export type DomainEventName = keyof DomainEventMap;
