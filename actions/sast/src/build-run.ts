import { type ActionIO, recordCoverage } from "@secflow/kit";
import { RunBuilder, type RunOptions, type Sarif, type Severity } from "@secflow/sarif";
import type { ToolReport } from "./report.ts";
import { capSnippet } from "./snippet.ts";
import type { SourceLines } from "./source-lines.ts";
import { applyTuning, type Tuning } from "./tuning.ts";

/** What every run of one invocation shares. */
export type RunSettings = Omit<RunOptions, "action" | "tool" | "category" | "mode" | "severityOverrides"> & {
  severityOverrides: Readonly<Record<string, Severity>>;
};

/**
 * One report → one profile run (category `secflow/sast/<key>/`), with the rules its findings
 * use. Findings without a code excerpt get the flagged source line, so fingerprints and the
 * baseline follow code that moves; a long line is cut around the region (capSnippet). The run's
 * invocation says what the tool did not check.
 */
export async function buildRun(
  report: ToolReport,
  settings: RunSettings,
  sources: SourceLines,
): Promise<Sarif.Run> {
  const builder = new RunBuilder({
    ...settings,
    action: "sast",
    tool: report.tool,
    category: report.key,
    mode: "full",
    severityOverrides: { ...settings.severityOverrides },
  });
  for (const finding of report.findings) {
    const rule = report.rules.get(finding.ruleId);
    if (!rule) throw new Error(`${report.key}: finding of rule ${finding.ruleId} without rule metadata`);
    builder.rule(rule);
    const code = finding.snippet ?? (await sources.line(finding.path, finding.startLine));
    const snippet = code === undefined ? undefined : capSnippet(code, finding);
    // A team's override is for the rule as a whole, so it wins over a finding's own rating.
    const overridden = settings.severityOverrides[finding.ruleId] !== undefined;
    const { severity, ...rest } = finding;
    builder.result({
      ...rest,
      ...(snippet !== undefined ? { snippet } : {}),
      ...(severity && !overridden ? { severity } : {}),
      category: "sast",
    });
  }
  const run = builder.build();
  recordCoverage(run, report.unchecked);
  return run;
}

/**
 * Applies the team's tuning to each report, says what it left out and what went wrong, and
 * builds the runs. `quiet` keeps the base scan's messages out of the way (they repeat the head's).
 */
export async function buildRuns(
  reports: readonly ToolReport[],
  tuning: Tuning,
  settings: RunSettings,
  sources: SourceLines,
  io: ActionIO,
  quiet = false,
): Promise<Sarif.Run[]> {
  const runs: Sarif.Run[] = [];
  for (const report of reports) {
    const effect = applyTuning(report, tuning);
    if (!quiet) {
      for (const note of report.notes) io.info(note);
      for (const warning of report.warnings) io.warning(warning);
      if (effect.rulesOff)
        io.info(
          `${report.key}: ${effect.rulesOff} finding(s) of rules turned off in secflow.yml (sast.rules-off) left out.`,
        );
      if (effect.ignoredPaths)
        io.info(`${report.key}: ${effect.ignoredPaths} finding(s) in ignore-paths left out.`);
      if (effect.testAsserts)
        io.info(
          `${report.key}: ${effect.testAsserts} assert finding(s) (B101) in test code left out: asserts are how tests check.`,
        );
    }
    runs.push(await buildRun(report, settings, sources));
  }
  return runs;
}
