import type { ParsedLockfile } from "../model.ts";

/** A lockfile to parse: its text, and a way to read a manifest beside it (package.json, …). */
export interface LockfileInput {
  /** Repository-relative POSIX path. */
  path: string;
  text: string;
  /** Reads a file in the lockfile's folder, at the same commit; undefined when absent. */
  sibling(name: string): Promise<string | undefined>;
}

export type LockfileParser = (input: LockfileInput) => Promise<ParsedLockfile>;

/** A lockfile that cannot be read as its format; the message says where and why. */
export class LockfileError extends Error {
  override readonly name = "LockfileError";
}
