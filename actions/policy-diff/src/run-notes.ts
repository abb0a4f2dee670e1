import type { UnreadableFile } from "./diff-file.ts";
import type { PolicyAtCommits } from "./read-commits.ts";
import type { SkippedLine } from "./readers/codeowners-rules.ts";

/** What a reader should know beyond the changes: for the log and the summary. */
export interface RunNotes {
  /** Policy files renamed between the commits (compared as one file). */
  renames: Map<string, string>;
  /** Unreadable at both commits with the same content: nothing in them changed. */
  noted: UnreadableFile[];
  /** Files under the policy globs that hold no policy (no apiVersion/kind), at either commit. */
  notPolicy: string[];
  /** CODEOWNERS lines GitHub skips as invalid, at each commit. */
  codeownersSkipped: { file: string; ref: "base" | "head"; skipped: SkippedLine[] }[];
}

export function runNotes(policy: PolicyAtCommits): RunNotes {
  const { base, head } = policy;
  const toHead = (p: string) => policy.renames.get(p) ?? p;
  return {
    renames: new Map(
      [...policy.renames].filter(([from, to]) => base.policyFiles.has(from) || head.policyFiles.has(to)),
    ),
    noted: policy.unreadable.noted,
    notPolicy: [...new Set([...[...base.notPolicy.keys()].map(toHead), ...head.notPolicy.keys()])].sort(),
    codeownersSkipped: [base, head].flatMap((side) =>
      side.codeowners.path && side.codeowners.skipped.length
        ? [{ file: side.codeowners.path, ref: side.ref, skipped: side.codeowners.skipped }]
        : [],
    ),
  };
}
