import { AppError } from '@tongke/common';
import { PLAN_UPDATE_MAX_BYTES } from '@tongke/contracts';

export const PlanningSocketErrors = {
  /** Unknown plan, or one the caller is not a member or observer of: the same answer, so ids do not leak. */
  notFound: () => new AppError('PLAN_NOT_FOUND', 404, 'Plan not found'),
  notJoined: () => new AppError('PLAN_NOT_JOINED', 409, 'Join the plan before syncing it'),
  readOnly: () => new AppError('PLAN_READ_ONLY', 403, 'Observers may read this plan but not change it'),
  tooLarge: (bytes: number) =>
    new AppError(
      'PLAN_UPDATE_TOO_LARGE',
      413,
      `An update may be at most ${PLAN_UPDATE_MAX_BYTES} bytes (got ${bytes})`,
    ),
  invalidMessage: (why: string) =>
    new AppError('PLAN_MESSAGE_INVALID', 400, `Not a valid sync message: ${why}`),
  invalidUpdate: (why: string) => new AppError('PLAN_UPDATE_INVALID', 400, `Update refused: ${why}`),
  tooManyPlans: (max: number) =>
    new AppError('PLAN_TOO_MANY_JOINED', 429, `A connection may have at most ${max} plans open`),
  storeUnavailable: () =>
    new AppError(
      'PLAN_STORE_UNAVAILABLE',
      503,
      'The edit could not be saved; it is kept in your editor and sent again',
    ),
  closing: () =>
    new AppError('PLAN_SERVICE_CLOSING', 503, 'The service is restarting; reconnect to continue'),
};
