// Reads lockfiles from the working tree or from a commit, and turns each into packages. A file
// that cannot be read as its format, that has merge-conflict markers, or that the repository
// reader refuses (a symbolic link out of the repository) is unreadable; the others go on.

import path from "node:path";
import { isUserError } from "@secflow/errors";
import { readFileAtRef, readRepositoryFile } from "@secflow/kit";
import type { ParsedLockfile, Skip } from "../model.ts";
import { conflictMarker } from "./conflict-markers.ts";
import { ecosystemOf, parserFor, SUPPORTED_NAMES } from "./formats.ts";
import { type FileRead, recording } from "./inputs.ts";
import { LockfileError } from "./types.ts";

/** Where files come from: the checkout, or a commit of it. Paths are repository-relative. */
export interface FileSource {
  read(file: string): Promise<string | undefined>;
}

/** A file the working-tree reader will not read; its message names the file, never its content. */
class RefusedFileError extends Error {
  override readonly name = "RefusedFileError";
}

/**
 * The repository's working tree, through the kit's one reader: a symlink that leads out of the
 * repository (to /proc/self/environ, ~/.ssh, …) is refused, and nothing of its target is read.
 */
export function workingTree(root: string): FileSource {
  return {
    read: (file) =>
      readRepositoryFile(root, file).catch((error: unknown) => {
        if (isUserError(error)) throw new RefusedFileError(error.message, { cause: error });
        throw error;
      }),
  };
}

/** The repository as committed at `commit`. */
export function atCommit(root: string, commit: string): FileSource {
  return { read: (file) => readFileAtRef(root, commit, file) };
}

export interface ReadLockfiles {
  lockfiles: ParsedLockfile[];
  /** Lockfiles that could not be read at all, each with its ecosystem when its name tells it. */
  unreadable: Skip[];
  /** Lockfiles the package manager itself does not use, so neither does the scan; for the log. */
  ignored: Skip[];
  /** Per lockfile parsed (by its path): every file its reading read, and what each held. */
  inputs: Map<string, FileRead[]>;
}

/**
 * Parses each lockfile (repository-relative paths). One that cannot be read becomes `unreadable`;
 * the packages a parser could not use stay in its ParsedLockfile's `skipped`, with its ecosystem.
 */
export async function readLockfiles(files: readonly string[], source: FileSource): Promise<ReadLockfiles> {
  const lockfiles: ParsedLockfile[] = [];
  const unreadable: Skip[] = [];
  const ignored: Skip[] = [];
  const inputs = new Map<string, FileRead[]>();
  const queue = [...files];
  for (const file of queue) {
    // Everything this file's reading reads goes through `recorded`, the shrinkwrap looked for too.
    const recorded = recording(source);
    const shrinkwrap = await shrinkwrapBeside(file, recorded.source);
    if (shrinkwrap) {
      // npm installs from npm-shrinkwrap.json and ignores a package-lock.json beside it; the
      // shrinkwrap is read instead, even when only the package-lock.json was asked for.
      ignored.push({
        subject: file,
        reason: `npm ignores it: npm-shrinkwrap.json beside it is what npm installs from (${shrinkwrap} is read)`,
        ecosystem: "npm",
      });
      if (!queue.includes(shrinkwrap)) queue.push(shrinkwrap);
      continue;
    }
    const parser = parserFor(file);
    if (!parser) {
      unreadable.push({
        subject: file,
        reason: `not a lockfile this scan reads (${SUPPORTED_NAMES.join(", ")})`,
      });
      continue;
    }
    const ecosystem = ecosystemOf(file);
    const notRead = (reason: string) =>
      unreadable.push({ subject: file, reason, ...(ecosystem ? { ecosystem } : {}) });
    const dir = path.posix.dirname(file);
    try {
      const text = await recorded.source.read(file);
      if (text === undefined) continue;
      const conflict = conflictMarker(text);
      if (conflict) {
        // The marker only: the label after it (a branch name) is the file's text.
        notRead(
          `line ${conflict.line} is a merge-conflict marker (${conflict.marker}); resolve the conflict and commit the lockfile again; none of its packages were checked`,
        );
        continue;
      }
      const parsed = await parser({
        path: file,
        text,
        sibling: (name) => recorded.source.read(dir === "." ? name : `${dir}/${name}`),
      });
      parsed.skipped = parsed.skipped.map((skip) => ({ ecosystem: parsed.ecosystem, ...skip }));
      lockfiles.push(parsed);
      inputs.set(file, recorded.reads);
    } catch (error) {
      if (error instanceof RefusedFileError) {
        // The lockfile itself, or a manifest beside it (package.json, pyproject.toml, …).
        notRead(`${error.message} None of its packages were checked.`);
      } else if (error instanceof LockfileError) {
        notRead(
          `${error.message.replace(`${file}: `, "").replace(`${file}:`, "line ")}; none of its packages were checked`,
        );
      } else throw error;
    }
  }
  return { lockfiles, unreadable, ignored, inputs };
}

/** The npm-shrinkwrap.json beside a package-lock.json, when there is one. */
async function shrinkwrapBeside(file: string, source: FileSource): Promise<string | undefined> {
  if (path.posix.basename(file) !== "package-lock.json") return undefined;
  const dir = path.posix.dirname(file);
  const shrinkwrap = dir === "." ? "npm-shrinkwrap.json" : `${dir}/npm-shrinkwrap.json`;
  try {
    return (await source.read(shrinkwrap)) === undefined ? undefined : shrinkwrap;
  } catch {
    // Unreadable (a link out of the repository, …): the package-lock.json is read as before, and
    // the shrinkwrap, if listed, reports its own problem.
    return undefined;
  }
}
