import { AppError } from '@tongke/common';

export const AuthErrors = {
  badCredentials: () => new AppError('AUTH_BAD_CREDENTIALS', 401, 'Wrong account or password'),
  accountDisabled: () => new AppError('AUTH_ACCOUNT_DISABLED', 403, 'This account is disabled'),
  refreshInvalid: () =>
    new AppError('AUTH_REFRESH_INVALID', 401, 'Refresh token invalid or expired: log in again'),
  refreshReused: () =>
    new AppError(
      'AUTH_REFRESH_REUSED',
      401,
      'This refresh token was already used; every session of this login was signed out for safety',
    ),
  wrongCurrentPassword: () => new AppError('AUTH_WRONG_PASSWORD', 400, 'The current password is wrong'),
  samePassword: () =>
    new AppError('AUTH_SAME_PASSWORD', 400, 'The new password must differ from the current one'),
  inviteInvalid: () => new AppError('INVITE_INVALID', 400, 'Invite code invalid, already used or expired'),
  identifierRequired: () => new AppError('VALIDATION_FAILED', 400, 'Give an email or a phone number'),
  identifierTaken: () =>
    new AppError('AUTH_IDENTIFIER_TAKEN', 409, 'An account with this email or phone already exists'),
};
