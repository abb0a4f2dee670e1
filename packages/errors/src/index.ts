/**
 * An error the user can fix: bad input, bad configuration, a missing or malformed file.
 * Its message is shown as is and ends the action; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  override readonly name: string = "UserError";
}

/** A bad or missing input or flag: the CLI reports it as a usage error (exit 2). */
export class InputError extends UserError {
  override readonly name: string = "InputError";
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
