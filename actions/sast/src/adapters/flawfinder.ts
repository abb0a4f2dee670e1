import { UserError } from "@secflow/errors";
import { parseSarif, type Sarif } from "@secflow/sarif";
import { asArgument } from "../paths.ts";
import { emptyReport, mergeReports, type ToolReport } from "../report.ts";
import type { ScanContext } from "../scan-context.ts";
import { chunkArguments, parseToolJson, runScanner, scannerVersion, stderrTail } from "../scanner-process.ts";
import { flawfinderDirectives, markFlawfinderIgnores } from "./flawfinder-ignore.ts";
import { forEachFlaggedFile } from "./in-source.ts";
import { importSarif } from "./sarif-import.ts";

export const FLAWFINDER_INSTALL_HINT = "pip install flawfinder, or set install-tools: true";
export const FLAWFINDER_INFORMATION_URI = "https://dwheeler.com/flawfinder/";

// The extensions flawfinder itself treats as C/C++ when it walks a folder.
const C_FILE = /\.(c|h|ec|ecp|pgc|C|cpp|CPP|cxx|cc|CC|c\+\+|pcc|pc|sc|hpp|H)$/;

export function isCFile(file: string): boolean {
  return C_FILE.test(file);
}

// flawfinder rates each hit 0–5 (its SARIF "rank" is level / 5); 4 covers strcpy and printf
// with a variable format, 5 the likes of gets().
const LEVEL_SCORES = [0, 1.0, 3.0, 5.0, 7.0, 8.5];

/** flawfinder's risk level of a result as a security-severity score. */
export function flawfinderScore(result: Sarif.Result): number | undefined {
  if (typeof result.rank !== "number") return undefined;
  const level = Math.min(5, Math.max(0, Math.round(result.rank * 5)));
  return LEVEL_SCORES[level];
}

/**
 * Runs flawfinder with SARIF output on the C/C++ files of the checkout. `--neverignore`: an
 * ignore comment marks its hits as suppressed in source instead of hiding them.
 */
export async function runFlawfinder(context: ScanContext): Promise<ToolReport> {
  const files = context.files.filter(isCFile).map(asArgument);
  let report: ToolReport | undefined;
  for (const chunk of chunkArguments(files)) {
    const { stdout, stderr } = await runScanner({
      name: "flawfinder",
      executable: "flawfinder",
      args: ["--sarif", "--quiet", ...context.args, "--neverignore", "--", ...chunk],
      cwd: context.repoRoot,
      env: context.env,
      timeoutMs: context.timeoutMs,
      okExitCodes: [0],
      installHint: FLAWFINDER_INSTALL_HINT,
    });
    parseToolJson("flawfinder", stdout, stderr);
    const part = readFlawfinderSarif(stdout, "flawfinder output", context.repoRoot, context.repoRoot, stderr);
    if (report) mergeReports(report, part);
    else report = part;
  }
  if (report) {
    await markFlawfinderSuppressions(report, context.repoRoot);
    return report;
  }
  // No C or C++ file to scan: ask the version anyway, so the empty run names the real tool.
  const version = await scannerVersion(
    { name: "flawfinder", executable: "flawfinder", installHint: FLAWFINDER_INSTALL_HINT },
    { cwd: context.repoRoot, env: context.env },
  );
  return emptyReport("flawfinder", {
    name: "Flawfinder",
    version,
    informationUri: FLAWFINDER_INFORMATION_URI,
  });
}

/** Marks the hits that flawfinder's ignore comments cover, reading the flagged files of the repository. */
export function markFlawfinderSuppressions(report: ToolReport, repoRoot: string): Promise<void> {
  return forEachFlaggedFile(report.findings, repoRoot, (source, findings) =>
    markFlawfinderIgnores(findings, flawfinderDirectives(source, findings[0]?.path ?? "")),
  );
}

/** Normalizes flawfinder's SARIF (from a run or an imported file): severity from its risk level. */
function readFlawfinderSarif(
  text: string,
  source: string,
  toolCwd: string,
  repoRoot: string,
  stderr = "",
): ToolReport {
  let log: Sarif.Log;
  try {
    log = parseSarif(text, source);
  } catch (error) {
    throw new UserError(`flawfinder: ${(error as Error).message}.${stderrTail(stderr)}`);
  }
  const [report, ...others] = importSarif(log, {
    toolCwd,
    repoRoot,
    source,
    resultScore: flawfinderScore,
    rawUris: true,
  });
  if (!report || others.length > 0) {
    throw new UserError(`${source}: expected one flawfinder run, found ${log.runs.length}.`);
  }
  return report;
}
