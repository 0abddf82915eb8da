import { LessonPlan } from './lesson-plan.entity.js';
import { PlanComment } from './plan-comment.entity.js';
import { PlanPost } from './plan-post.entity.js';
import { PlanSnapshot } from './plan-snapshot.entity.js';
import { PlanUpdate } from './plan-update.entity.js';
import { PlanVersion } from './plan-version.entity.js';
import { PlanningSessionAttendee } from './planning-session-attendee.entity.js';
import { PlanningSession } from './planning-session.entity.js';
import { ResearchGroupMember } from './research-group-member.entity.js';
import { ResearchGroup } from './research-group.entity.js';

export * from './research-group.entity.js';
export * from './research-group-member.entity.js';
export * from './lesson-plan.entity.js';
export * from './plan-update.entity.js';
export * from './plan-snapshot.entity.js';
export * from './plan-version.entity.js';
export * from './plan-comment.entity.js';
export * from './plan-post.entity.js';
export * from './planning-session.entity.js';
export * from './planning-session-attendee.entity.js';
export * from './plan-log.store.js';

/** Entities owned by the planning domain. Add each new entity class to PLANNING_ENTITIES. */
export const PLANNING_ENTITIES: (new () => object)[] = [
  ResearchGroup,
  ResearchGroupMember,
  LessonPlan,
  PlanUpdate,
  PlanSnapshot,
  PlanVersion,
  PlanComment,
  PlanPost,
  PlanningSession,
  PlanningSessionAttendee,
];
