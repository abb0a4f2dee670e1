/**
 * A policy file that cannot be read as its source expects: bad syntax, an unknown kind, a value
 * of the wrong type. It names the line; the run records the file as unreadable (never as "no
 * change") and goes on with the other files.
 */
export class PolicyFileError extends Error {
  override readonly name = "PolicyFileError";
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** "line 12: …" when the line is known. */
export function describePolicyFileError(error: PolicyFileError): string {
  return error.line === undefined ? error.message : `line ${error.line}: ${error.message}`;
}

/** A policy file committed as a symbolic link: its blob is the link's target, not a policy. */
export function symbolicLinkError(): PolicyFileError {
  return new PolicyFileError("a symbolic link; policy files must be regular files");
}
