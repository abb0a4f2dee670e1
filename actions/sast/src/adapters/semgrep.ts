import { access } from "node:fs/promises";
import path from "node:path";
import { UserError } from "@secflow/errors";
import { asArgument } from "../paths.ts";
import { emptyReport, mergeReports, type ToolReport } from "../report.ts";
import type { ScanContext } from "../scan-context.ts";
import { chunkArguments, parseToolJson, runScanner } from "../scanner-process.ts";
import { readSemgrepJson, SEMGREP_INFORMATION_URI } from "./semgrep-json.ts";

export const SEMGREP_INSTALL_HINT = "pip install semgrep, or set install-tools: true";
const RULE_FILES = [".semgrep.yml", ".semgrep.yaml", ".semgrep"];

/** The repository's Semgrep rules (.semgrep.yml, .semgrep.yaml or a .semgrep/ folder), if any. */
export async function findSemgrepRules(repoRoot: string): Promise<string | undefined> {
  for (const name of RULE_FILES) {
    const ok = await access(path.join(repoRoot, name)).then(
      () => true,
      () => false,
    );
    if (ok) return name;
  }
  return undefined;
}

function hasConfigArgument(args: readonly string[]): boolean {
  return args.some((a) => a === "--config" || a === "-c" || a.startsWith("--config="));
}

/** Whether Semgrep has rules to run: the repository's own, or --config in sast.args.semgrep. */
export async function semgrepHasRules(context: Pick<ScanContext, "repoRoot" | "args">): Promise<boolean> {
  return hasConfigArgument(context.args) || (await findSemgrepRules(context.repoRoot)) !== undefined;
}

/**
 * Runs Semgrep with JSON output, metrics off, on the files of the checkout. Rules come from
 * sast.args.semgrep (--config …) or else from the repository's .semgrep.yml / .semgrep/.
 * `--disable-nosem`: a nosemgrep comment marks its findings as suppressed in source instead of
 * hiding them.
 */
export async function runSemgrep(context: ScanContext): Promise<ToolReport> {
  const args = [...context.args];
  if (!hasConfigArgument(args)) {
    const rules = await findSemgrepRules(context.repoRoot);
    if (!rules) {
      throw new UserError(
        "Semgrep has no rules to run: add .semgrep.yml to the repository, or give them in secflow.yml (sast.args.semgrep: [--config, <rules>]).",
      );
    }
    args.push("--config", asArgument(rules));
  }
  const report = emptyReport("semgrep", {
    name: "Semgrep",
    version: "unknown",
    informationUri: SEMGREP_INFORMATION_URI,
  });
  for (const chunk of chunkArguments(context.files.map(asArgument))) {
    const { stdout, stderr } = await runScanner({
      name: "semgrep",
      executable: "semgrep",
      args: [
        "scan",
        "--json",
        "--metrics=off",
        "--disable-version-check",
        "--quiet",
        // Findings a nosemgrep comment covers stay in the output, marked is_ignored.
        "--disable-nosem",
        ...args,
        "--",
        ...chunk,
      ],
      cwd: context.repoRoot,
      env: context.env,
      timeoutMs: context.timeoutMs,
      okExitCodes: [0, 1],
      installHint: SEMGREP_INSTALL_HINT,
    });
    const part = readSemgrepJson(parseToolJson("semgrep", stdout, stderr), "semgrep output", {
      toolCwd: context.repoRoot,
      repoRoot: context.repoRoot,
    });
    report.tool = part.tool;
    mergeReports(report, part);
  }
  return report;
}
