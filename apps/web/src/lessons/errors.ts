/** A refusal: a socket ack `{ ok: false }` (or a command that never got an answer). */
export class LessonCommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'LessonCommandError';
  }
}
