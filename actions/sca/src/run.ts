// The sca action: lockfiles → packages → advisories (OSV API, offline database or an imported
// report) → findings, license problems, ignores → new against the baseline → SARIF (with what
// could not be checked), waivers, outputs and job summary. Each stage is a function of its own
// module; run() only joins them. The step fails on new findings (fail-on) and on an incomplete
// scan (on-unchecked).

import {
  type ActionIO,
  applyWaivers,
  countFindings,
  emitSarif,
  type FindingCounts,
  failOnOutcome,
  logWaivers,
  planBaseline,
  type StepOutcome,
  setScanOutputs,
  uncheckedOutcome,
} from "@secflow/kit";
import { findAdvisories } from "./advisory-source.ts";
import { readHeadLockfiles } from "./head-lockfiles.ts";
import { judgeFindings } from "./judge.ts";
import { recordLockfileReads } from "./lockfile-reads.ts";
import { describeComparison, markNewFindings, markNewResults } from "./mark-new.ts";
import type { ScanNotes } from "./model.ts";
import type { Options } from "./options.ts";
import { reportScan } from "./report.ts";
import { buildScanLog } from "./sarif-output.ts";
import { prepareScan, shownPath } from "./scan-setup.ts";

export { type Options, readOptions } from "./options.ts";

export interface Outcome extends StepOutcome {
  /** What the outputs say: every finding counted, new ones, waived ones, by severity. */
  counts: FindingCounts;
}

export async function run(options: Options, io: ActionIO): Promise<Outcome> {
  const now = options.now ?? new Date();
  const notes: ScanNotes = { skipped: [], warnings: [] };
  const setup = await prepareScan(options);
  const { workspace, config } = setup;
  const plan = await planBaseline(
    options.baseline,
    { workspace, env: options.env, ...(options.base !== undefined ? { base: options.base } : {}) },
    io,
  );
  const comparison = describeComparison(plan, workspace);
  if (comparison) io.info(comparison);

  const head = await readHeadLockfiles(setup, options.lockfiles, notes, io);
  const matched = await findAdvisories(head.lockfiles, head.scanned, { ...setup, options, io });
  const findings = judgeFindings(matched, head.scanned, setup, notes, now);
  const baseReads = await markNewFindings(plan, findings, head, { workspace, notes });
  const log = buildScanLog({
    ...head,
    matched,
    findings,
    unchecked: notes.skipped,
    plan,
    config,
    root: workspace.root,
    env: options.env,
  });
  recordLockfileReads(log, head.lockfiles, baseReads);
  await markNewResults(plan, log, { workspace, notes });
  logWaivers(applyWaivers(log, config.waivers ?? [], now), io);

  // Counted before the log is fitted to GitHub's limits: the outputs describe every finding.
  const counts = countFindings(log.runs);
  await emitSarif(log, { output: options.output, action: "sca", io });
  setScanOutputs(io, options.output, counts);
  const sarifFile = shownPath(workspace, options.output);
  await reportScan(io, {
    source: matched.source,
    lockfiles: head.lockfiles.length,
    packages: matched.packages.length,
    devExcluded: head.all.length - head.scanned.length,
    ...(comparison ? { comparison } : {}),
    log,
    counts,
    notes,
    sarifFile,
  });
  // Either fails the step: an incomplete scan (on-unchecked) and new findings (fail-on); both said.
  const failed = [
    uncheckedOutcome(notes.skipped, setup.onUnchecked).failed,
    failOnOutcome(counts, setup.failOn, `the job summary and ${sarifFile}`).failed,
  ].filter((message) => message !== undefined);
  return { counts, ...(failed.length ? { failed: failed.join(" ") } : {}) };
}
