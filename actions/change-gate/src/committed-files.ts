import { realpath } from "node:fs/promises";
import path from "node:path";
import { git, isInside } from "@secflow/kit";

/**
 * Which of `files` (absolute paths) git tracks, at the change's head commit or in the checkout's
 * index: such a file is content a commit chose, not the output of a job. Both the path as given
 * and its real path count (an untracked link to a committed file is the committed file), and so
 * does a committed symbolic link among its folders. Returns file → why, for those that are.
 */
export async function committedFiles(
  root: string,
  head: string | undefined,
  files: readonly string[],
): Promise<Map<string, string>> {
  const realRoot = await realpath(root);
  const candidates = new Map<string, string[]>();
  for (const file of files) {
    const names = new Set<string>();
    const lexical = path.resolve(file);
    const real = await realpath(file).catch(() => lexical);
    for (const [from, within] of [
      [lexical, root],
      [lexical, realRoot],
      [real, realRoot],
    ] as const) {
      if (!isInside(within, from) || from === within) continue;
      const relative = path.relative(within, from).split(path.sep).join("/");
      // The file, and each folder above it (a committed symbolic link to a folder).
      const parts = relative.split("/");
      for (let i = parts.length; i > 0; i--) names.add(parts.slice(0, i).join("/"));
    }
    if (names.size) candidates.set(file, [...names]);
  }
  const result = new Map<string, string>();
  const all = [...new Set([...candidates.values()].flat())];
  if (all.length === 0) return result;
  const atHead = head
    ? await tracked(root, ["ls-tree", "-r", "-z", "--name-only", "--full-tree", head], all)
    : new Set<string>();
  const inIndex = await tracked(root, ["ls-files", "-z", "--cached", "--full-name"], all);
  for (const [file, names] of candidates) {
    // The file itself first, so the message names what was given.
    const hit = names.find((n) => atHead.has(n)) ?? names.find((n) => inIndex.has(n));
    if (hit !== undefined) {
      result.set(
        file,
        atHead.has(hit) ? `the head commit tracks ${hit}` : `the checkout's index tracks ${hit}`,
      );
    }
  }
  return result;
}

/** The candidates git lists exactly (a folder lists its files, never itself). */
async function tracked(root: string, command: string[], candidates: readonly string[]): Promise<Set<string>> {
  const listed = await git(["--literal-pathspecs", ...command, "--", ...candidates], root);
  const wanted = new Set(candidates);
  return new Set(listed.split("\0").filter((name) => wanted.has(name)));
}
