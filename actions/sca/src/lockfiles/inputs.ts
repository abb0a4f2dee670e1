// What a lockfile's parse read: every file (the lockfile, the manifests beside it, the shrinkwrap
// looked for) with the git blob id of the text read. A parse is a function of those texts, so
// where every one of them is the same blob at another commit, so is the parse there.

import { createHash } from "node:crypto";
import path from "node:path";
import { git } from "@secflow/kit";
import type { FileSource } from "./read.ts";

/** A file a parse read: the blob id of its text, "absent", or "unreadable" (the read threw). */
export interface FileRead {
  path: string;
  content: string;
}

const ABSENT = "absent";
const UNREADABLE = "unreadable";

/** The git blob id (SHA-1 object format) of a text, as `git hash-object` gives for its UTF-8 bytes. */
function blobId(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** A source that notes what each read returned, for one lockfile's parse. */
export function recording(source: FileSource): { source: FileSource; reads: FileRead[] } {
  const reads: FileRead[] = [];
  return {
    reads,
    source: {
      read: async (file) => {
        try {
          const text = await source.read(file);
          reads.push({ path: file, content: text === undefined ? ABSENT : blobId(text) });
          return text;
        } catch (error) {
          reads.push({ path: file, content: UNREADABLE });
          throw error;
        }
      },
    },
  };
}

/**
 * Blob ids at a commit of the given repository-relative paths ("absent" for a path with no
 * blob there), read in a few `git ls-tree` calls rather than a process per file.
 */
export async function blobIdsAt(
  root: string,
  commit: string,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  // As the commit reader names files: normalized; one that leaves the repository is never "same".
  const normal = new Map<string, string>();
  for (const file of paths) {
    const name = path.posix.normalize(file).replace(/^(\.\/|\/)+/, "");
    if (name === "" || name === "." || name === ".." || name.startsWith("../")) ids.set(file, UNREADABLE);
    else normal.set(file, name);
  }
  const wanted = [...new Set(normal.values())];
  const found = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 200) {
    const chunk = wanted.slice(i, i + 200);
    const output = await git(
      ["--literal-pathspecs", "ls-tree", "-z", "--full-tree", commit, "--", ...chunk],
      root,
    );
    for (const record of output.split("\0")) {
      const tab = record.indexOf("\t");
      if (tab === -1) continue;
      const [, type, oid] = record.slice(0, tab).split(" ");
      if (type === "blob" && oid) found.set(record.slice(tab + 1), oid);
    }
  }
  for (const [file, name] of normal) ids.set(file, found.get(name) ?? ABSENT);
  return ids;
}

/** Whether every file the parse read holds the same content at the commit listed in `ids`. */
export function sameInputs(reads: readonly FileRead[], ids: ReadonlyMap<string, string>): boolean {
  return reads.length > 0 && reads.every((r) => r.content !== UNREADABLE && ids.get(r.path) === r.content);
}
