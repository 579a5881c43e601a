/**
 * A problem with what the user asked for (bad flag, unknown instance, malformed
 * file). The CLI prints its message as one line and exits with `exitCode`.
 */
export class UserError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** True for an error that should reach the user as a one-line message. */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
