import type { ActionIO, SastTool } from "@secflow/kit";
import { runBandit } from "./adapters/bandit.ts";
import { runEslint } from "./adapters/eslint.ts";
import { runFlawfinder } from "./adapters/flawfinder.ts";
import { runSemgrep } from "./adapters/semgrep.ts";
import type { ToolReport } from "./report.ts";
import type { ScanContext } from "./scan-context.ts";

const RUNNERS: Record<SastTool, (context: ScanContext) => Promise<ToolReport>> = {
  eslint: runEslint,
  bandit: runBandit,
  flawfinder: runFlawfinder,
  semgrep: runSemgrep,
};

/** Runs each tool on one checkout; `contextFor` gives each its own arguments from secflow.yml. */
export async function scan(
  tools: readonly SastTool[],
  contextFor: (tool: SastTool) => ScanContext,
  io: ActionIO,
  label: string,
): Promise<ToolReport[]> {
  const reports: ToolReport[] = [];
  for (const tool of tools) {
    const report = await io.group(`${tool} (${label})`, async () => {
      const result = await RUNNERS[tool](contextFor(tool));
      io.info(`${tool}: ${result.findings.length} finding(s) in ${label}.`);
      return result;
    });
    reports.push(report);
  }
  return reports;
}
