import { readFile } from "node:fs/promises";
import { UserError } from "@secflow/errors";
import { readGrype } from "./grype.ts";
import { readNpmAudit } from "./npm-audit.ts";
import { readOsvScanner } from "./osv-scanner.ts";
import { readTrivy } from "./trivy.ts";
import type { ImportedReport, ImportFormat } from "./types.ts";

/** Reads another scanner's JSON report; `auto` tells the format by its top-level keys. */
export async function readImport(file: string, format: ImportFormat, shown: string): Promise<ImportedReport> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UserError(
      `Input "import": cannot read ${shown} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
    );
  }
  let report: unknown;
  try {
    report = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new UserError(
      `Input "import": ${shown} is not valid JSON (${(error as Error).message}); write the report with the tool's JSON output option.`,
    );
  }
  if (typeof report !== "object" || report === null || Array.isArray(report)) {
    throw new UserError(`Input "import": ${shown} is not a scanner report (expected a JSON object).`);
  }
  const doc = report as Record<string, unknown>;
  const kind = format === "auto" ? detect(doc) : format;
  if (!kind) {
    throw new UserError(
      `Input "import": cannot tell which scanner wrote ${shown}; set import-format to npm-audit, osv-scanner, trivy or grype.`,
    );
  }
  try {
    if (kind === "npm-audit") return readNpmAudit(doc, shown);
    if (kind === "osv-scanner") return readOsvScanner(doc, shown);
    if (kind === "trivy") return readTrivy(doc, shown);
    return readGrype(doc, shown);
  } catch (error) {
    throw new UserError(`Input "import": ${(error as Error).message}.`);
  }
}

function detect(doc: Record<string, unknown>): Exclude<ImportFormat, "auto"> | undefined {
  if ("auditReportVersion" in doc) return "npm-audit";
  if (
    Array.isArray(doc.results) &&
    doc.results.some((r) => typeof r === "object" && r !== null && "packages" in r)
  )
    return "osv-scanner";
  if (Array.isArray(doc.results) && doc.results.length === 0) return "osv-scanner";
  if ("SchemaVersion" in doc || Array.isArray(doc.Results)) return "trivy";
  if (Array.isArray(doc.matches)) return "grype";
  return undefined;
}
