// The last stage of every scanning action: fit the log to GitHub's limits, check it against the
// profile, write it, and set the outputs every scanning action shares.

import { UserError } from "@secflow/errors";
import {
  type ActionName,
  fitToGithubLimits,
  formatIssues,
  GITHUB_LIMITS,
  type Sarif,
  validate,
  writeSarifFile,
} from "@secflow/sarif";
import type { FindingCounts } from "./findings.ts";
import type { ActionIO } from "./io.ts";

/**
 * Fits the log to GitHub code scanning (trimming the least severe results, with a warning that
 * says so), validates it against SARIF 2.1.0, the secflow profile and GitHub's rules (an invalid
 * log is our bug), and writes it. Returns what was written.
 */
export async function emitSarif(
  log: Sarif.Log,
  options: { output: string; action: ActionName; io: ActionIO },
): Promise<Sarif.Log> {
  const { output, action, io } = options;
  if (log.runs.length > GITHUB_LIMITS.runsPerFile) {
    throw new UserError(
      `${log.runs.length} runs are more than the ${GITHUB_LIMITS.runsPerFile} GitHub accepts in one SARIF upload; split this step (fewer tools, imports or lockfile ecosystems per step).`,
    );
  }
  const fitted = fitToGithubLimits(log);
  for (const warning of fitted.warnings) io.warning(`SARIF trimmed to GitHub's limits: ${warning}`);
  const written = fitted.logs[0] ?? log;
  const check = validate(written);
  if (!check.valid) {
    throw new Error(
      `secflow ${action} built SARIF that fails validation (a bug):\n${formatIssues(check.issues)}`,
    );
  }
  await writeSarifFile(output, written);
  io.info(`Wrote ${output}.`);
  return written;
}

/**
 * The outputs of every scanning action: `sarif-file`, `new-count`, `total-count` and
 * `max-severity` (of the new findings, or "none"). Counts describe all findings, also those a
 * trim to GitHub's limits left out of the file.
 */
export function setScanOutputs(io: ActionIO, sarifFile: string, counts: FindingCounts): void {
  io.setOutput("sarif-file", sarifFile);
  io.setOutput("new-count", counts.new);
  io.setOutput("total-count", counts.total);
  io.setOutput("max-severity", counts.maxNewSeverity ?? "none");
}
