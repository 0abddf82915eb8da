import { AppError } from '@tongke/common';

export const TeacherErrors = {
  userNotFound: () => new AppError('USER_NOT_FOUND', 404, 'User not found'),
  inviteNotFound: () => new AppError('INVITE_NOT_FOUND', 404, 'Invite not found'),
  cannotDisableSelf: () =>
    new AppError('USER_CANNOT_DISABLE_SELF', 400, 'You cannot disable your own account'),
};
