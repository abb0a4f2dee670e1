import { isUserError } from "@secflow/errors";
import type { ActionIO, SastTool } from "@secflow/kit";
import { runBandit } from "./adapters/bandit.ts";
import { runEslint } from "./adapters/eslint.ts";
import { runFlawfinder } from "./adapters/flawfinder.ts";
import { runSemgrep } from "./adapters/semgrep.ts";
import { emptyReport, type ToolReport } from "./report.ts";
import type { ScanContext } from "./scan-context.ts";
import { TOOL_SPECS } from "./tool-registry.ts";

const RUNNERS: Record<SastTool, (context: ScanContext) => Promise<ToolReport>> = {
  eslint: runEslint,
  bandit: runBandit,
  flawfinder: runFlawfinder,
  semgrep: runSemgrep,
};

/**
 * Runs each tool on one checkout; `contextFor` gives each its own arguments from secflow.yml.
 * A tool that fails or times out does not stop the others: its run is empty and says it checked
 * nothing, so the SARIF is still written and on-unchecked decides.
 */
export async function scan(
  tools: readonly SastTool[],
  contextFor: (tool: SastTool) => ScanContext,
  io: ActionIO,
  label: string,
  /** Reports made already, alongside another checkout's scan: those tools do not run again. */
  done?: ReadonlyMap<SastTool, ToolReport>,
): Promise<ToolReport[]> {
  const reports: ToolReport[] = [];
  for (const tool of tools) {
    const report = await io.group(`${tool} (${label})`, async () => {
      const result = done?.get(tool) ?? (await runOrRecordFailure(tool, contextFor(tool), io, label));
      io.info(`${tool}: ${result.findings.length} finding(s) in ${label}.`);
      return result;
    });
    reports.push(report);
  }
  return reports;
}

async function runOrRecordFailure(
  tool: SastTool,
  context: ScanContext,
  io: ActionIO,
  label: string,
): Promise<ToolReport> {
  try {
    return await RUNNERS[tool](context);
  } catch (error) {
    if (!isUserError(error)) throw error;
    // The head's gaps are reported as not checked; a base that was not scanned makes findings new.
    if (label === "base") {
      io.warning(
        `${tool} did not complete on the base, so all its findings on the head count as new: ${error.message}`,
      );
    }
    const report = emptyReport(tool, await TOOL_SPECS[tool].info());
    report.unchecked.push({ subject: `${tool} (the whole run)`, reason: error.message });
    return report;
  }
}
