import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Turns a file name a tool printed (relative to where it ran, absolute, or a `file:` URI) into
 * a repository-relative POSIX path; undefined when it lies outside the repository.
 */
export function repoRelative(file: string, toolCwd: string, repoRoot: string): string | undefined {
  let absolute: string;
  if (/^file:/i.test(file)) {
    try {
      absolute = fileURLToPath(file);
    } catch {
      return undefined;
    }
  } else {
    absolute = path.resolve(toolCwd, file);
  }
  const relative = path.relative(repoRoot, absolute);
  if (
    relative === "" ||
    relative.startsWith(`..${path.sep}`) ||
    relative === ".." ||
    path.isAbsolute(relative)
  ) {
    return undefined;
  }
  return relative.split(path.sep).join("/");
}

/** A repository-relative path as a tool argument: "./" first, so a name like "-rf" is never an option. */
export function asArgument(relative: string): string {
  return `./${relative}`;
}
