import type { DiffNotes } from "./build-diff.ts";
import type { UnreadableFile } from "./diff-file.ts";
import type { PolicyAtCommits } from "./read-commits.ts";
import type { SkippedLine } from "./readers/codeowners-rules.ts";
import type { DefaultPermissions } from "./readers/workflow-risk.ts";

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
  /** Grants that moved to another file unchanged, by the pair of files: how many. */
  moves: { from: string; to: string; count: number }[];
  /** Owners compared under a new name: "job test (.github/workflows/ci.yml) → job build (…)". */
  renamed: { from: string; to: string }[];
  /**
   * The repository default token of jobs with no `permissions:`, when a workflow has such a job:
   * the setting, and whether it was assumed (no policy.workflows.default-permissions).
   */
  defaultPermissions?: { setting: DefaultPermissions; assumed: boolean };
}

export function runNotes(policy: PolicyAtCommits, diffNotes: DiffNotes): RunNotes {
  const { base, head } = policy;
  const toHead = (p: string) => policy.renames.get(p) ?? p;
  const moves = new Map<string, { from: string; to: string; count: number }>();
  for (const move of diffNotes.moves) {
    const key = `${move.from.file}\0${move.grant.file}`;
    const entry = moves.get(key) ?? { from: move.from.file, to: move.grant.file, count: 0 };
    entry.count++;
    moves.set(key, entry);
  }
  const usesDefault = [...base.grants, ...head.grants].some(
    (g) => g.source === "workflow" && g.detail?.startsWith("repository default"),
  );
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
    moves: [...moves.values()],
    renamed: diffNotes.renamed.map((r) => ({
      from: `${r.from.subject} (${r.from.file})`,
      to: `${r.to.subject} (${r.to.file})`,
    })),
    ...(usesDefault ? { defaultPermissions: policy.defaultPermissions } : {}),
  };
}
