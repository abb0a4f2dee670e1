import {
  type BaselinePlan,
  changedFiles,
  codeSpan,
  escapeMarkdown,
  type SastTool,
  type Workspace,
} from "@secflow/kit";
import { SKIP_ORDER, type SkippedFile, type SkipReason } from "./files/file-classes.ts";
import { TOOL_SPECS } from "./tool-registry.ts";

/** At most this many changed files that were not scanned are named in the summary. */
const MAX_NAMED = 10;

/** What the summary and the log say about the files sast left alone. */
export interface SkippedFacts {
  /** Files a tool that ran would have read, by the first class that skipped them. */
  counts: Partial<Record<SkipReason, number>>;
  /** Of those, the files the change adds or modifies: a reviewer should know sast did not read them. */
  changed: SkippedFile[];
}

const WORDS: Record<SkipReason, string> = {
  vendored: "vendored",
  generated: "generated",
  minified: "minified",
  tests: "test",
  untracked: "untracked",
  gitignored: "gitignored",
};

/**
 * Counts the skipped files that the tools which ran would have read (a skipped stylesheet is
 * not worth a word when only Bandit ran), and finds those the change adds or modifies.
 */
export async function skippedFacts(
  skipped: readonly SkippedFile[],
  tools: readonly SastTool[],
  plan: BaselinePlan,
  workspace: Pick<Workspace, "root">,
  /** The files the change adds or modifies, when the caller knows them already (changed scope). */
  known?: ReadonlySet<string>,
): Promise<SkippedFacts> {
  const relevant = skipped.filter((file) => tools.some((tool) => TOOL_SPECS[tool].handles(file.path)));
  const counts: Partial<Record<SkipReason, number>> = {};
  for (const file of relevant) counts[file.reason] = (counts[file.reason] ?? 0) + 1;
  if (relevant.length === 0 || (plan.kind !== "ref" && plan.kind !== "changed-lines"))
    return { counts, changed: [] };
  const { mergeBaseSha, headSha } = plan.change;
  const touched =
    known ??
    new Set(
      (await changedFiles(workspace.root, mergeBaseSha, headSha))
        .filter((file) => file.status !== "deleted")
        .map((file) => file.path),
    );
  return { counts, changed: relevant.filter((file) => touched.has(file.path)) };
}

/** "6 vendored, 2 minified and 13 test file(s)", in SKIP_ORDER, .gitignore apart; "" when none. */
function countsText(counts: SkippedFacts["counts"]): string {
  const parts = SKIP_ORDER.filter((r) => r !== "gitignored" && counts[r]).map(
    (r) => `${counts[r]} ${WORDS[r]}`,
  );
  if (parts.length === 0) return "";
  const last = parts.pop();
  return `${parts.length ? `${parts.join(", ")} and ` : ""}${last} file(s)`;
}

/** One line for the log. */
export function skippedLogLine(facts: SkippedFacts): string | undefined {
  const text = countsText(facts.counts);
  const ignored = facts.counts.gitignored;
  if (!text && !ignored) return undefined;
  const gitignored = ignored ? `${ignored} file(s) in .gitignore` : "";
  const hint = text ? " (sast.include in secflow.yml scans a class anyway)" : "";
  return `Not scanned: ${[text, gitignored].filter(Boolean).join("; ")}${hint}.`;
}

/** Lines for the job summary: the counts, and the changed files that were not scanned. */
export function skippedMarkdown(facts: SkippedFacts): string[] {
  const lines: string[] = [];
  const text = countsText(facts.counts);
  if (text) {
    lines.push(
      `Not scanned by default: ${text}; ${codeSpan("sast.include")} in ${codeSpan(".github/secflow.yml")} scans a class anyway.`,
    );
  }
  if (facts.counts.gitignored) {
    lines.push(`Never scanned: ${facts.counts.gitignored} file(s) that .gitignore ignores (build output).`);
  }
  if (facts.changed.length > 0) {
    const named = facts.changed
      .slice(0, MAX_NAMED)
      .map((file) => `${codeSpan(file.path)} (${escapeMarkdown(WORDS[file.reason])})`);
    const more = facts.changed.length > MAX_NAMED ? ` and ${facts.changed.length - MAX_NAMED} more` : "";
    lines.push(
      `This change adds or modifies ${facts.changed.length} of them, which a reviewer reads without sast's help: ${named.join(", ")}${more}.`,
    );
  }
  return lines;
}
