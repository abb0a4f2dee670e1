import { UserError } from "@secflow/errors";
import { scoreForSeverity, severityFromLabel } from "@secflow/sarif";
import { repoRelative } from "../paths.ts";
import { emptyReport, type ToolReport } from "../report.ts";

export const SEMGREP_INFORMATION_URI = "https://semgrep.dev/";

interface Position {
  line: number;
  col?: number;
}

interface SemgrepResult {
  check_id: string;
  path: string;
  start: Position;
  end?: Position;
  extra: {
    message?: string;
    severity?: string;
    lines?: string;
    metadata?: Record<string, unknown>;
    /** Set by Semgrep when a nosemgrep comment covers the finding (kept with --disable-nosem). */
    is_ignored?: boolean;
  };
}

interface SemgrepOutput {
  version?: string;
  results: SemgrepResult[];
  errors?: { type?: unknown; level?: string; message?: string; path?: string }[];
}

/** Reads Semgrep's JSON output (`semgrep scan --json`), from a run or from an imported file. */
export function readSemgrepJson(
  value: unknown,
  source: string,
  where: { toolCwd: string; repoRoot: string },
): ToolReport {
  const output = checkShape(value, source);
  const report = emptyReport("semgrep", {
    name: "Semgrep",
    version: output.version ?? "unknown",
    informationUri: SEMGREP_INFORMATION_URI,
  });
  const outside: string[] = [];
  for (const result of output.results) {
    const file = repoRelative(result.path, where.toolCwd, where.repoRoot);
    if (file === undefined) {
      outside.push(result.path);
      continue;
    }
    const metadata = result.extra.metadata ?? {};
    const message = result.extra.message?.trim() || result.check_id;
    const severity = severityFromLabel(result.extra.severity ?? "WARNING") ?? "medium";
    const existing = report.rules.get(result.check_id);
    const score = scoreForSeverity(severity);
    if (!existing) {
      const references = strings(metadata.references);
      const helpUri = firstString(
        metadata.shortlink,
        metadata.source,
        metadata["source-rule-url"],
        references[0],
      );
      const shortDescription = message.split("\n")[0] ?? message;
      report.rules.set(result.check_id, {
        id: result.check_id,
        shortDescription,
        fullDescription: message,
        helpText: references.length ? `${message}\n\nReferences:\n${references.join("\n")}` : message,
        helpMarkdown: references.length
          ? `${message}\n\nReferences:\n${references.map((r) => `- ${r}`).join("\n")}`
          : message,
        ...(helpUri ? { helpUri } : {}),
        cwe: strings(metadata.cwe).flatMap((c) => {
          const id = /CWE-0*(\d+)/i.exec(c)?.[1];
          return id ? [Number(id)] : [];
        }),
        tags: strings(metadata.owasp).map((o) => `owasp/${o}`),
        severity: score,
      });
    } else if (typeof existing.severity === "number") {
      existing.severity = Math.max(existing.severity, score);
    }
    // Without a login Semgrep replaces the matched code with this placeholder.
    const lines = result.extra.lines;
    const snippet = lines && lines.trim() !== "" && lines.trim() !== "requires login" ? lines : undefined;
    report.findings.push({
      ruleId: result.check_id,
      message,
      path: file,
      startLine: result.start.line,
      ...(result.start.col ? { startColumn: result.start.col } : {}),
      ...(result.end?.line ? { endLine: result.end.line } : {}),
      ...(result.end?.col ? { endColumn: result.end.col } : {}),
      ...(snippet ? { snippet } : {}),
      severity,
      ...(result.extra.is_ignored === true ? { suppressions: [{ kind: "inSource" as const }] } : {}),
    });
  }
  if (outside.length > 0) {
    report.warnings.push(
      `${source}: ${outside.length} Semgrep result(s) name files outside the repository and were left out (first: ${outside[0]}).`,
    );
  }
  for (const error of (output.errors ?? []).filter((e) => typeof e === "object" && e !== null)) {
    const message = error.message ?? JSON.stringify(error.type);
    // Semgrep's level "error" means it gave up on the file (or the run); "warn" ones still scanned.
    if ((error.level ?? "error") === "error") {
      const file = typeof error.path === "string" ? error.path : undefined;
      const subject =
        file === undefined ? "Semgrep" : (repoRelative(file, where.toolCwd, where.repoRoot) ?? file);
      report.unchecked.push({ subject, reason: `Semgrep: ${message}` });
    } else {
      const place = error.path ? ` in ${error.path}` : "";
      report.warnings.push(`Semgrep ${error.level}${place}: ${message}`);
    }
  }
  return report;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === "string" && v !== "");
}

function checkShape(value: unknown, source: string): SemgrepOutput {
  const output = value as Partial<SemgrepOutput> | null;
  if (typeof output !== "object" || output === null || !Array.isArray(output.results)) {
    throw new UserError(`${source}: not a Semgrep JSON report (expected an object with a "results" list).`);
  }
  if (output.errors !== undefined && !Array.isArray(output.errors)) {
    throw new UserError(`${source}: "errors" is not a list, as Semgrep writes it.`);
  }
  output.results.forEach((result, i) => {
    if (
      typeof result?.check_id !== "string" ||
      typeof result.path !== "string" ||
      !Number.isInteger(result.start?.line) ||
      typeof result.extra !== "object"
    ) {
      throw new UserError(`${source}: results[${i}] lacks check_id, path, start.line or extra.`);
    }
  });
  return output as SemgrepOutput;
}
