import { readSarifFile, type Sarif, sarifLog } from "@secflow/sarif";
import { importSarif } from "./adapters/sarif-import.ts";
import { buildRun, type RunSettings } from "./build-run.ts";
import type { Checkout } from "./checkout-scan.ts";
import { uniqueKeys } from "./report.ts";
import { SourceLines } from "./source-lines.ts";
import { applyTuning, type Tuning } from "./tuning.ts";

/**
 * Reads a SARIF file to compare with. Runs from an earlier secflow run are used as they are;
 * runs of a raw tool log are normalized as an import would be, so categories, rule ids and
 * snippets line up with this run's.
 */
export async function readBaselineFile(
  file: string,
  checkout: Checkout,
  tuning: Tuning,
  settings: RunSettings,
): Promise<Sarif.Log> {
  const log = await readSarifFile(file);
  const ours = log.runs.filter((run) => run.properties?.secflow !== undefined);
  const raw = log.runs.filter((run) => run.properties?.secflow === undefined);
  if (raw.length === 0) return log;
  const reports = importSarif(sarifLog(raw), {
    toolCwd: checkout.scanRoot,
    repoRoot: checkout.root,
    source: file,
  });
  uniqueKeys(reports);
  const sources = new SourceLines(checkout.root);
  const normalized: Sarif.Run[] = [];
  for (const report of reports) {
    applyTuning(report, tuning);
    normalized.push(await buildRun(report, settings, sources));
  }
  return sarifLog([...ours, ...normalized]);
}
