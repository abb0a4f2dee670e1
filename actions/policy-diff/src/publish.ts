import { pathToFileURL } from "node:url";
import {
  type ActionIO,
  countFindings,
  emitSarif,
  type FindingCounts,
  inputPath,
  recordCoverage,
  setScanOutputs,
  type Unchecked,
  type Workspace,
} from "@secflow/kit";
import pkg from "../package.json" with { type: "json" };
import type { DiffNotes } from "./build-diff.ts";
import { type ReportedDiff, writeDiffFile } from "./diff-file.ts";
import { logDiff } from "./diff-log.ts";
import type { PolicyAtCommits } from "./read-commits.ts";
import { runNotes } from "./run-notes.ts";
import { buildSarif } from "./sarif-report.ts";
import { privilegeDiffMarkdown } from "./summary.ts";

export interface PublishOptions {
  workspace: Workspace;
  /** The `output` and `diff-output` inputs, relative to the workspace. */
  output: string;
  diffOutput: string;
  env: NodeJS.ProcessEnv;
  io: ActionIO;
  /** The unreadable files that changed, as coverage gaps. */
  unchecked: readonly Unchecked[];
  /** Moves and renames the comparison recognised. */
  notes: DiffNotes;
}

/**
 * Writes the SARIF (within GitHub's limits), the diff JSON for the gate, the log, the summary
 * and the outputs. Returns the counts of the SARIF built, before any trim: every change is new.
 */
export async function publish(
  diff: ReportedDiff,
  policy: PolicyAtCommits,
  options: PublishOptions,
): Promise<FindingCounts> {
  const { workspace, env, io } = options;
  const output = inputPath(workspace, options.output);
  const diffOutput = inputPath(workspace, options.diffOutput);
  const team = policy.baseConfig.team ?? policy.headConfig.team;
  const repository = env.GITHUB_REPOSITORY
    ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}`
    : undefined;
  const log = buildSarif(diff, {
    actionVersion: pkg.version,
    ...(team ? { team } : {}),
    ...(repository ? { repository: { uri: repository, revisionId: diff.head } } : {}),
    baseRef: diff.base,
    headRef: diff.head,
    srcRoot: pathToFileURL(workspace.root).href,
  });
  // The run says what it did not check, so the gate treats an incomplete diff like a missing one.
  for (const run of log.runs) recordCoverage(run, options.unchecked);
  // And what it read: per commit, the policy files parsed, taken from the other commit's parse
  // (unchanged, read once), and left unread (unchanged, and nothing else refers to them).
  for (const run of log.runs) {
    const secflow = run.properties?.secflow as Record<string, unknown> | undefined;
    if (secflow) secflow.policyFilesRead = policy.reads;
  }
  const counts = countFindings(log.runs);
  await emitSarif(log, { output, action: "policy-diff", io });
  await writeDiffFile(diffOutput, diff);

  const notes = runNotes(policy, options.notes);
  logDiff(diff, policy, notes, io);
  await io.appendSummary(privilegeDiffMarkdown(diff, options.unchecked, notes));
  setScanOutputs(io, output, counts);
  io.setOutput("diff-file", diffOutput);
  io.setOutput("changes", diff.changes.length);
  io.setOutput("escalations", diff.counts.escalations);
  // Unreadable files that changed: what the gate treats as not checked.
  io.setOutput("unreadable", diff.unreadable.length);
  return counts;
}
