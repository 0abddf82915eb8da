import {
  PLAN_SECTIONS,
  countChars,
  isPlanSectionCode,
  isRelativePositionJson,
  planTexts,
  type PlanCommentDto,
  type PlanDto,
  type PlanningSessionDto,
  type PlanPostDto,
  type PlanSectionContentDto,
  type PlanTextRangeDto,
  type PlanAccessRole,
  type PlanVersionDto,
  type ResearchGroupDto,
  type ResearchGroupMemberDto,
  type ResearchGroupRole,
  type UserRefDto,
} from '@tongke/contracts';
import type {
  LessonPlan,
  PlanComment,
  PlanningSession,
  PlanningSessionAttendee,
  PlanPost,
  PlanVersion,
  ResearchGroup,
  ResearchGroupMember,
  User,
} from '@tongke/database';
import type * as Y from 'yjs';

/** Users by id, for the names in responses. */
export type UserIndex = Map<string, User>;

export const toUserRef = (users: UserIndex, id: string): UserRefDto => {
  const u = users.get(id);
  return { id, displayName: u?.displayName ?? '（已删除的用户）', schoolId: u?.schoolId ?? null };
};

export const toResearchGroupDto = (
  g: ResearchGroup,
  users: UserIndex,
  myRole: ResearchGroupRole | null,
  memberCount: number,
): ResearchGroupDto => ({
  id: g.id,
  regionId: g.regionId,
  name: g.name,
  subject: g.subject,
  stage: g.stage,
  lead: toUserRef(users, g.leadId),
  myRole,
  memberCount,
  createdAt: g.createdAt.toISOString(),
});

export const toMemberDto = (m: ResearchGroupMember, users: UserIndex): ResearchGroupMemberDto => ({
  user: toUserRef(users, m.userId),
  role: m.role,
  addedAt: m.createdAt.toISOString(),
});

export const toPlanDto = (p: LessonPlan, users: UserIndex, myAccess: PlanAccessRole | null): PlanDto => ({
  id: p.id,
  groupId: p.groupId,
  regionId: p.regionId,
  title: p.title,
  curriculum: {
    subject: p.subject,
    stage: p.stage,
    grade: p.grade,
    edition: p.edition,
    volume: p.volume,
    unit: p.unit,
    lessonPeriod: p.lessonPeriod,
  },
  headSeq: p.headSeq,
  myAccess,
  createdBy: toUserRef(users, p.createdById),
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

export const toSectionContents = (doc: Y.Doc): PlanSectionContentDto[] => {
  const texts = planTexts(doc);
  return PLAN_SECTIONS.map((s) => ({
    code: s.code,
    label: s.label,
    text: texts[s.code],
    chars: countChars(texts[s.code]),
  }));
};

export const toPostDto = (p: PlanPost, users: UserIndex): PlanPostDto => ({
  id: p.id,
  planId: p.planId,
  author: toUserRef(users, p.authorId),
  body: p.body,
  createdAt: p.createdAt.toISOString(),
});

export const toCommentDto = (
  c: PlanComment,
  replies: PlanComment[],
  range: PlanTextRangeDto | null,
  users: UserIndex,
): PlanCommentDto => ({
  id: c.id,
  planId: c.planId,
  section: isPlanSectionCode(c.section) ? c.section : 'objectives',
  quote: c.quote ?? '',
  body: c.body,
  author: toUserRef(users, c.authorId),
  range,
  anchor:
    isRelativePositionJson(c.anchorStart) && isRelativePositionJson(c.anchorEnd)
      ? { start: c.anchorStart, end: c.anchorEnd }
      : null,
  resolved: c.resolvedAt !== null,
  resolvedAt: c.resolvedAt?.toISOString() ?? null,
  resolvedBy: c.resolvedById ? toUserRef(users, c.resolvedById) : null,
  replies: replies.map((r) => ({
    id: r.id,
    author: toUserRef(users, r.authorId),
    body: r.body,
    createdAt: r.createdAt.toISOString(),
  })),
  createdAt: c.createdAt.toISOString(),
});

export const toVersionDto = (v: PlanVersion, users: UserIndex): PlanVersionDto => ({
  id: v.id,
  planId: v.planId,
  name: v.name,
  seq: v.seq,
  createdBy: toUserRef(users, v.createdById),
  createdAt: v.createdAt.toISOString(),
  publishedAt: v.publishedAt?.toISOString() ?? null,
});

export const toSessionDto = (
  s: PlanningSession,
  attendees: PlanningSessionAttendee[],
  users: UserIndex,
): PlanningSessionDto => ({
  id: s.id,
  groupId: s.groupId,
  planId: s.planId,
  title: s.title,
  scheduledAt: s.scheduledAt.toISOString(),
  durationMinutes: s.durationMinutes,
  agenda: s.agenda,
  minutes: s.minutes,
  jointLessonId: s.jointLessonId,
  attendees: attendees
    .sort((a, b) => a.attendedAt.getTime() - b.attendedAt.getTime())
    .map((a) => ({ user: toUserRef(users, a.userId), attendedAt: a.attendedAt.toISOString() })),
  createdBy: toUserRef(users, s.createdById),
  createdAt: s.createdAt.toISOString(),
});
