import { UserError } from "@secflow/errors";
import { type RuleInput, type Sarif, scoreForSeverity, type ToolInfo } from "@secflow/sarif";
import { repoRelative } from "../paths.ts";
import { emptyReport, type Finding, type ToolReport } from "../report.ts";
import { securityRuleFacts, severityOfLintLevel } from "./eslint-rules.ts";

/** One message of ESLint's result objects (the Node API's and the JSON formatter's). */
export interface EslintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  fatal?: boolean;
  suppressions?: { kind: string; justification?: string }[];
}

export interface EslintFileResult {
  filePath: string;
  messages: EslintMessage[];
  suppressedMessages?: EslintMessage[];
}

export interface EslintRuleMeta {
  type?: string;
  docs?: { description?: string; url?: string };
}

export const ESLINT_INFORMATION_URI = "https://eslint.org/";

export interface EslintReportOptions {
  tool: ToolInfo;
  /** Rule metadata by rule id (the plugin objects', or json-with-metadata's rulesMeta). */
  rulesMeta: Readonly<Record<string, EslintRuleMeta | undefined>>;
  toolCwd: string;
  repoRoot: string;
  source: string;
}

/**
 * ESLint's per-file results → a report. Findings disabled by an eslint-disable comment are kept,
 * marked as suppressed in source, so a comment cannot hide a finding from the gate unseen.
 * Files ESLint could not parse are reported as not checked.
 */
export function eslintReport(files: readonly EslintFileResult[], options: EslintReportOptions): ToolReport {
  const report = emptyReport("eslint", options.tool);
  const outside: string[] = [];
  for (const file of files) {
    const relative = repoRelative(file.filePath, options.toolCwd, options.repoRoot);
    if (relative === undefined) {
      if (file.messages.length + (file.suppressedMessages?.length ?? 0) > 0) outside.push(file.filePath);
      continue;
    }
    for (const message of file.messages) addMessage(report, relative, message, options);
    for (const message of file.suppressedMessages ?? []) addMessage(report, relative, message, options, true);
  }
  if (outside.length > 0) {
    report.warnings.push(
      `${options.source}: results for ${outside.length} file(s) outside the repository were left out (first: ${outside[0]}).`,
    );
  }
  return report;
}

function addMessage(
  report: ToolReport,
  path: string,
  message: EslintMessage,
  options: EslintReportOptions,
  suppressed = false,
): void {
  if (message.fatal) {
    // A file ESLint could not parse has no findings because it was not read, not because it is clean.
    if (!suppressed && !report.unchecked.some((gap) => gap.subject === path)) {
      report.unchecked.push({
        subject: path,
        reason: `ESLint could not parse it (line ${message.line ?? 1}: ${message.message})`,
      });
    }
    return;
  }
  if (message.ruleId === null) {
    if (!suppressed) report.warnings.push(`ESLint on ${path}:${message.line ?? 1}: ${message.message}`);
    return;
  }
  const facts = securityRuleFacts(message.ruleId);
  const severity = facts ? undefined : severityOfLintLevel(message.severity);
  let rule = report.rules.get(message.ruleId);
  if (!rule) {
    rule = ruleInput(message.ruleId, options.rulesMeta[message.ruleId]);
    report.rules.set(message.ruleId, rule);
  }
  if (severity && typeof rule.severity === "number") {
    rule.severity = Math.max(rule.severity, scoreForSeverity(severity));
  }
  const finding: Finding = {
    ruleId: message.ruleId,
    message: message.message,
    path,
    startLine: message.line ?? 1,
    ...(message.column ? { startColumn: message.column } : {}),
    ...(message.endLine ? { endLine: message.endLine } : {}),
    ...(message.endColumn ? { endColumn: message.endColumn } : {}),
    ...(severity ? { severity } : {}),
    ...(suppressed ? { suppressions: inSource(message) } : {}),
  };
  report.findings.push(finding);
}

function inSource(message: EslintMessage): Sarif.Suppression[] {
  const justifications = (message.suppressions ?? []).map((s) => s.justification?.trim()).filter(Boolean);
  return [
    {
      kind: "inSource",
      ...(justifications.length ? { justification: justifications.join("; ") } : {}),
    },
  ];
}

function ruleInput(id: string, meta: EslintRuleMeta | undefined): RuleInput {
  const facts = securityRuleFacts(id);
  const description = meta?.docs?.description?.trim() || `ESLint rule ${id}`;
  const url = meta?.docs?.url;
  const help = url ? `${description}\n\nSee ${url}` : description;
  return {
    id,
    shortDescription: description,
    fullDescription: description,
    helpText: help,
    helpMarkdown: url ? `${description}\n\n[Rule documentation](${url})` : description,
    ...(url ? { helpUri: url } : {}),
    ...(facts ? { cwe: facts.cwe } : {}),
    // A rule without facts starts at the bottom and takes the worst level its findings have.
    severity: facts ? facts.severity : 0,
  };
}

/**
 * Reads ESLint's JSON output, from the `json` formatter (an array of file results) or from
 * `json-with-metadata` (results plus the metadata of every rule that ran).
 */
export function readEslintJson(
  value: unknown,
  source: string,
  where: {
    toolCwd: string;
    repoRoot: string;
    tool: ToolInfo;
    /** Metadata of rules we know, for output without it (the plain json formatter). */
    knownRulesMeta?: Readonly<Record<string, EslintRuleMeta>>;
  },
): ToolReport {
  const withMetadata = value as {
    results?: unknown;
    metadata?: { rulesMeta?: Record<string, EslintRuleMeta> };
  };
  const results = Array.isArray(value) ? value : withMetadata?.results;
  if (!Array.isArray(results)) {
    throw new UserError(
      `${source}: not ESLint JSON output (expected the json or json-with-metadata format).`,
    );
  }
  results.forEach((result: Partial<EslintFileResult>, i) => {
    if (typeof result?.filePath !== "string" || !Array.isArray(result.messages)) {
      throw new UserError(`${source}: result ${i} lacks filePath or messages.`);
    }
  });
  return eslintReport(results as EslintFileResult[], {
    tool: where.tool,
    rulesMeta: { ...where.knownRulesMeta, ...withMetadata?.metadata?.rulesMeta },
    toolCwd: where.toolCwd,
    repoRoot: where.repoRoot,
    source,
  });
}
