import type { Unchecked } from "@secflow/kit";
import type { PolicyDiff, UnreadableFile } from "./diff-file.ts";
import type { CommitTree } from "./git-tree.ts";
import type { Side } from "./read-side.ts";

/** The unreadable policy files of both commits, by whether they matter to this change. */
export interface UnreadableSplit {
  /** Unreadable, and changed between base and head (or only at one of them): not checked. */
  unchecked: UnreadableFile[];
  /**
   * Unreadable with the same content at both commits: nothing in it changed, so the change adds
   * no privilege through it. Said in the log and the summary, never a gap.
   */
  noted: UnreadableFile[];
}

export interface SplitInput {
  base: Side;
  head: Side;
  baseTree: CommitTree;
  headTree: CommitTree;
  /** Base path → head path of renamed files. */
  renames: ReadonlyMap<string, string>;
}

/** Splits the unreadable files by content: the same blob at base and head is only noted. */
export async function splitUnreadable(input: SplitInput): Promise<UnreadableSplit> {
  const { base, head, baseTree, headTree, renames } = input;
  const toBase = new Map([...renames].map(([from, to]) => [to, from]));
  const unchanged = async (basePath: string, headPath: string) => {
    const [before, after] = await Promise.all([baseTree.contentId(basePath), headTree.contentId(headPath)]);
    return before !== undefined && before === after;
  };
  const split: UnreadableSplit = { unchecked: [], noted: [] };
  for (const file of [...base.unreadable, ...head.unreadable]) {
    const [basePath, headPath] =
      file.ref === "base"
        ? [file.file, renames.get(file.file) ?? file.file]
        : [toBase.get(file.file) ?? file.file, file.file];
    ((await unchanged(basePath, headPath)) ? split.noted : split.unchecked).push(file);
  }
  return split;
}

/** The diff's unreadable files as the kit's coverage gaps: for the SARIF, the summary, the outcome. */
export function uncheckedFiles(diff: PolicyDiff): Unchecked[] {
  return diff.unreadable.map((file) => ({
    subject: `${file.file} at the ${file.ref} commit`,
    reason: `could not be read (${file.reason}), and it changed between base and head`,
  }));
}
