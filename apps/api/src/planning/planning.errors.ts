import { AppError } from '@tongke/common';

export const PlanningErrors = {
  groupNotFound: () => new AppError('RESEARCH_GROUP_NOT_FOUND', 404, 'Teaching-research group not found'),
  planNotFound: () => new AppError('PLAN_NOT_FOUND', 404, 'Plan not found'),
  sessionNotFound: () => new AppError('PLANNING_SESSION_NOT_FOUND', 404, 'Preparation session not found'),
  versionNotFound: () => new AppError('PLAN_VERSION_NOT_FOUND', 404, 'Plan version not found'),
  commentNotFound: () => new AppError('PLAN_COMMENT_NOT_FOUND', 404, 'Comment not found'),
  membersOnly: () =>
    new AppError('PLAN_MEMBERS_ONLY', 403, 'Only the group’s members and observers may open its plans'),
  readOnly: () => new AppError('PLAN_READ_ONLY', 403, 'Observers may read this plan but not change it'),
  groupManagersOnly: () =>
    new AppError(
      'RESEARCH_GROUP_MANAGERS_ONLY',
      403,
      'Only the group’s lead or the district admin may do this',
    ),
  cannotCreateGroup: () =>
    new AppError(
      'RESEARCH_GROUP_CREATE_FORBIDDEN',
      403,
      'Groups are created by district admins or by master teachers who lead them',
    ),
  leadRequired: () => new AppError('RESEARCH_GROUP_LEAD_REQUIRED', 400, 'Name the group’s lead (leadId)'),
  regionRequired: () =>
    new AppError('RESEARCH_GROUP_REGION_REQUIRED', 400, 'regionId is required for platform admins'),
  curriculumInvalid: (problems: string[]) =>
    new AppError('PLAN_CURRICULUM_INVALID', 400, `Not a valid curriculum position: ${problems.join('; ')}`),
  userNotInRegion: () =>
    new AppError(
      'RESEARCH_GROUP_USER_INVALID',
      400,
      'That person is not an active user of a school in the group’s region',
    ),
  memberMustTeach: () =>
    new AppError('RESEARCH_GROUP_MEMBER_NOT_TEACHER', 400, 'Members who edit plans must be teachers'),
  leadCannotChange: () =>
    new AppError(
      'RESEARCH_GROUP_LEAD_FIXED',
      400,
      'The lead is changed with PATCH on the group (district admins), not here',
    ),
  leadChangeForbidden: () =>
    new AppError('RESEARCH_GROUP_LEAD_CHANGE_FORBIDDEN', 403, 'Only the district admin may change the lead'),
  memberNotFound: () => new AppError('RESEARCH_GROUP_MEMBER_NOT_FOUND', 404, 'Not a member of this group'),
  planNotInGroup: () =>
    new AppError('PLANNING_SESSION_PLAN_INVALID', 400, 'The plan must belong to this group'),
  sessionNotOpen: (opensAt: string, closesAt: string) =>
    new AppError('PLANNING_SESSION_NOT_OPEN', 409, `Check-in is open from ${opensAt} to ${closesAt}`),
  anchorInvalid: (why: string) =>
    new AppError('PLAN_COMMENT_ANCHOR_INVALID', 400, `The comment’s anchor ${why}`),
  replyToReply: () => new AppError('PLAN_COMMENT_REPLY_INVALID', 400, 'Reply to the thread’s first comment'),
  versionOrder: () => new AppError('PLAN_VERSION_ORDER', 400, '"from" must be a version older than "to"'),
  historyPruned: () =>
    new AppError(
      'PLAN_HISTORY_PRUNED',
      409,
      'The edit history between these versions is no longer kept; compare later versions',
    ),
  publishForbidden: () =>
    new AppError('PLAN_PUBLISH_FORBIDDEN', 403, 'Only the group’s lead or the district admin may publish'),
  alreadyPublished: () =>
    new AppError('PLAN_VERSION_ALREADY_PUBLISHED', 409, 'This version was already sent to the library'),
  storeConflict: () => new AppError('PLAN_STORE_CONFLICT', 409, 'The plan changed while saving; try again'),
};
