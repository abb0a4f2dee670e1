import { readFile } from "node:fs/promises";
import { UserError } from "@secflow/errors";
import { parseSarif, type Sarif, sarifLog } from "@secflow/sarif";
import { markBanditNosec, readBanditJson } from "./adapters/bandit.ts";
import { eslintTool, securityRulesMeta } from "./adapters/eslint-builtin.ts";
import { readEslintJson } from "./adapters/eslint-results.ts";
import { flawfinderScore, markFlawfinderSuppressions } from "./adapters/flawfinder.ts";
import { importSarif, toolKey } from "./adapters/sarif-import.ts";
import { SarifRepairs } from "./adapters/sarif-repairs.ts";
import { readSemgrepJson } from "./adapters/semgrep-json.ts";
import type { ToolReport } from "./report.ts";

type InputFormat = "sarif" | "eslint" | "bandit" | "semgrep";

export interface ImportOptions {
  /** Where relative file names in the imported output point from: the scanned folder. */
  toolCwd: string;
  repoRoot: string;
}

/**
 * Reads existing tool output instead of running the tool: SARIF from any producer, ESLint JSON
 * (json or json-with-metadata), Bandit JSON or Semgrep JSON. The format is recognised from the
 * content; anything else is a UserError naming the file. In-source suppressions are marked as
 * for a run of the tool (nosec, flawfinder: ignore), when the output kept the findings they cover.
 */
export async function importInput(file: string, options: ImportOptions): Promise<ToolReport[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `input ${file}: cannot read it (${code ?? String(error)}); check the path given in "input".`,
    );
  }
  const value = parseJson(text, file);
  const where = { ...options };
  switch (detectFormat(value, file)) {
    case "sarif":
      return importSarifRuns(parseSarif(text, file), file, options);
    case "eslint":
      return [
        readEslintJson(value, file, {
          ...where,
          tool: await eslintTool(),
          knownRulesMeta: await securityRulesMeta(),
        }),
      ];
    case "bandit": {
      const report = readBanditJson(value, file, where);
      await markBanditNosec(report, options.repoRoot);
      return [report];
    }
    case "semgrep":
      return [readSemgrepJson(value, file, where)];
  }
}

function parseJson(text: string, file: string): unknown {
  if (text.trim() === "") throw new UserError(`input ${file}: the file is empty.`);
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new UserError(`input ${file}: not JSON (${(error as Error).message}).`);
  }
}

/** Which tool wrote the output, from its shape. */
function detectFormat(value: unknown, file: string): InputFormat {
  if (Array.isArray(value)) {
    if (value.every((r) => typeof r?.filePath === "string" && Array.isArray(r.messages))) return "eslint";
  } else if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.runs) || record.version === "2.1.0") return "sarif";
    const results = record.results;
    if (Array.isArray(results)) {
      const first = results[0] as Record<string, unknown> | undefined;
      if (record.metadata && typeof record.metadata === "object" && "rulesMeta" in record.metadata)
        return "eslint";
      if (first ? "test_id" in first : "generated_at" in record && "metrics" in record) return "bandit";
      if (first ? "check_id" in first : "paths" in record) return "semgrep";
      if (first && "filePath" in first) return "eslint";
    }
  }
  throw new UserError(
    `input ${file}: not output secflow can import; give SARIF 2.1.0, ESLint JSON (-f json or json-with-metadata), Bandit JSON (-f json) or Semgrep JSON (--json).`,
  );
}

async function importSarifRuns(log: Sarif.Log, file: string, options: ImportOptions): Promise<ToolReport[]> {
  // Repairs are said once for the file, not once per run.
  const repairs = new SarifRepairs();
  const reports: ToolReport[] = [];
  for (const run of log.runs) {
    // flawfinder writes names unencoded and rates hits by rank: its runs get its own reading.
    const flawfinder = toolKey(run.tool.driver.name) === "flawfinder";
    const [report] = importSarif(sarifLog([run]), {
      ...options,
      source: file,
      repairs,
      ...(flawfinder ? { resultScore: flawfinderScore, rawUris: true } : {}),
    });
    if (!report) continue;
    if (flawfinder) await markFlawfinderSuppressions(report, options.repoRoot);
    reports.push(report);
  }
  reports[0]?.warnings.push(...repairs.warnings(file));
  return reports;
}
