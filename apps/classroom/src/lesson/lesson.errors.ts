import { AppError } from '@tongke/common';

/** Errors a lesson socket answers with in `{ ok: false, error: { code, message } }`; nothing changes. */
export const LessonErrors = {
  validation: (message: string) => new AppError('VALIDATION_FAILED', 400, message),
  forbidden: (message: string) => new AppError('FORBIDDEN', 403, message),
  notJoined: () => new AppError('LESSON_NOT_JOINED', 409, 'Join the lesson first (lesson:join)'),
  notFound: () => new AppError('LESSON_NOT_FOUND', 404, 'Lesson not found'),
  notLive: () => new AppError('LESSON_NOT_LIVE', 409, 'The lesson has not started'),
  ended: () => new AppError('LESSON_ENDED', 409, 'The lesson has ended'),
  cancelled: () => new AppError('LESSON_CANCELLED', 409, 'The lesson was cancelled'),
  notAdmitted: () =>
    new AppError('LESSON_NOT_ADMITTED', 409, 'Your classroom is waiting in the lobby for the host'),
  conflict: (message: string) => new AppError('LESSON_CONFLICT', 409, message),
  /** Transient (another instance wrote first, or the log is being rebuilt): retrying will work. */
  busy: () => new AppError('LESSON_BUSY', 503, 'The lesson is busy; retry with the same clientMsgId'),
  rateLimited: () => new AppError('LESSON_RATE_LIMITED', 429, 'Too many stroke batches; slow down'),
  inkFull: () => new AppError('LESSON_INK_FULL', 409, 'This lesson holds too much ink; clear a page first'),
  tokenInvalid: () => new AppError('JOIN_TOKEN_INVALID', 401, 'The join token is invalid or has expired'),
  tokenWrongLesson: () =>
    new AppError('JOIN_TOKEN_WRONG_LESSON', 403, 'The join token is for another lesson'),
  restarting: () =>
    new AppError(
      'LESSON_RESTARTING',
      503,
      'The lesson service is restarting; reconnect and retry with the same clientMsgId',
    ),
  internal: () =>
    new AppError('INTERNAL_ERROR', 500, 'Something went wrong on our side; retry with the same clientMsgId'),
  peerNotAllowed: () =>
    new AppError(
      'RTC_PEER_NOT_ALLOWED',
      403,
      'Audio/video signalling runs only between the host and classroom devices',
    ),
};
