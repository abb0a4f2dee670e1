// Reads lockfiles from the working tree or from a commit, and turns each into packages. A file
// that cannot be read as its format is reported as skipped; the others go on.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { readFileAtRef } from "@secflow/kit";
import type { ParsedLockfile, Skip } from "../model.ts";
import { parserFor, SUPPORTED_NAMES } from "./formats.ts";
import { LockfileError } from "./types.ts";

/** Where files come from: the checkout, or a commit of it. */
export interface FileSource {
  read(file: string): Promise<string | undefined>;
}

export function workingTree(root: string): FileSource {
  return {
    read: (file) =>
      readFile(path.join(root, file), "utf8").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT" || error.code === "EISDIR") return undefined;
        throw error;
      }),
  };
}

export function atCommit(repo: string, commit: string, prefix: string): FileSource {
  return { read: (file) => readFileAtRef(repo, commit, path.posix.join(prefix, file)) };
}

export interface ReadLockfiles {
  lockfiles: ParsedLockfile[];
  skipped: Skip[];
}

/** Parses each lockfile (repository-relative paths); unreadable ones become skips. */
export async function readLockfiles(files: readonly string[], source: FileSource): Promise<ReadLockfiles> {
  const lockfiles: ParsedLockfile[] = [];
  const skipped: Skip[] = [];
  for (const file of files) {
    const parser = parserFor(file);
    if (!parser) {
      skipped.push({
        subject: file,
        reason: `not a lockfile this scan reads (${SUPPORTED_NAMES.join(", ")})`,
      });
      continue;
    }
    const text = await source.read(file);
    if (text === undefined) continue;
    const dir = path.posix.dirname(file);
    try {
      const parsed = await parser({
        path: file,
        text,
        sibling: (name) => source.read(dir === "." ? name : `${dir}/${name}`),
      });
      lockfiles.push(parsed);
      skipped.push(...parsed.skipped);
    } catch (error) {
      if (!(error instanceof LockfileError)) throw error;
      skipped.push({
        subject: file,
        reason: `${error.message.replace(`${file}: `, "").replace(`${file}:`, "line ")}; none of its packages were checked`,
      });
    }
  }
  return { lockfiles, skipped };
}
