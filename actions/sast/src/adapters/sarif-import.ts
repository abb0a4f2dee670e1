import path from "node:path";
import { fileURLToPath } from "node:url";
import { isIncomplete, uncheckedOf } from "@secflow/kit";
import {
  decodePath,
  type RuleInput,
  type Sarif,
  scoreForSeverity,
  severityFromLabel,
  severityFromScore,
} from "@secflow/sarif";
import { repoRelative } from "../paths.ts";
import { emptyReport, type Finding, type ToolReport } from "../report.ts";
import { isSchemaUri, refuseEncodedTraversal, SarifRepairs } from "./sarif-repairs.ts";

export interface SarifImportOptions {
  /** Where relative URIs without a resolvable base point from (where the tool ran). */
  toolCwd: string;
  repoRoot: string;
  /** Names the file in warnings. */
  source: string;
  /** A tool-specific score for one result (flawfinder's rank); undefined falls back to levels. */
  resultScore?: (result: Sarif.Result) => number | undefined;
  /** The tool writes file names as they are, not percent-encoded (flawfinder). */
  rawUris?: boolean;
  /**
   * Collects the repairs of a file read in several calls, for the caller to say once; without
   * it, the repairs are said in the first report's warnings.
   */
  repairs?: SarifRepairs;
}

// Category keys for tools we know, so an import and a run of one tool share a category.
const KNOWN_KEYS: [RegExp, string][] = [
  [/^semgrep/i, "semgrep"],
  [/^flawfinder$/i, "flawfinder"],
  [/^codeql$/i, "codeql"],
  [/^eslint$/i, "eslint"],
  [/^bandit$/i, "bandit"],
  [/^gosec$/i, "gosec"],
];

/** The category key for a tool name: "Semgrep OSS" → "semgrep", "My Tool" → "my-tool". */
export function toolKey(name: string): string {
  for (const [pattern, key] of KNOWN_KEYS) if (pattern.test(name.trim())) return key;
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "") || "tool"
  );
}

/**
 * Normalizes the runs of any SARIF producer (CodeQL, gosec, flawfinder, Semgrep, …) into
 * reports: rule metadata with severity and CWE tags, repository-relative paths, and results
 * the profile builder can fingerprint. One report per run. Repairable defects are repaired and
 * said; a URI that hides a path traversal in percent-encoding is a UserError naming the file.
 */
export function importSarif(log: Sarif.Log, options: SarifImportOptions): ToolReport[] {
  const repairs = options.repairs ?? new SarifRepairs();
  const reports = log.runs.map((run, index) => importRun(run, index, { ...options, repairs }));
  if (!options.repairs) reports[0]?.warnings.push(...repairs.warnings(options.source));
  return reports;
}

function importRun(
  run: Sarif.Run,
  index: number,
  options: SarifImportOptions & { repairs: SarifRepairs },
): ToolReport {
  const driver = run.tool.driver;
  const { repairs } = options;
  const report = emptyReport(toolKey(driver.name), {
    name: driver.name,
    version: driver.version ?? driver.semanticVersion ?? "unknown",
    informationUri:
      repairs.informationUri(driver) ??
      (isSchemaUri(driver.downloadUri) ? driver.downloadUri : undefined) ??
      `urn:secflow:tool:${toolKey(driver.name)}`,
    ...(run.tool.extensions?.length
      ? {
          extensions: run.tool.extensions.map((e) => {
            const informationUri = repairs.informationUri(e);
            return {
              name: e.name,
              ...(e.version ? { version: e.version } : {}),
              ...(informationUri ? { informationUri } : {}),
            };
          }),
        }
      : {}),
  });
  const components = [driver, ...(run.tool.extensions ?? [])];
  const byId = new Map<string, Sarif.ReportingDescriptor>();
  for (const component of components) for (const rule of component.rules ?? []) byId.set(rule.id, rule);

  const where = `${options.source} run ${index} (${driver.name})`;
  // The producer's own word that it did not finish is kept: its run is incomplete here too.
  if (isIncomplete(run)) {
    const gaps = uncheckedOf(run);
    for (const reason of gaps.length > 0 ? gaps : ["the tool reported that its run did not complete"]) {
      report.unchecked.push({ subject: `${driver.name} (imported from ${options.source})`, reason });
    }
  }
  let withoutLocation = 0;
  let notFindings = 0;
  const outside: string[] = [];
  for (const [resultIndex, result] of (run.results ?? []).entries()) {
    if (!isFinding(result)) {
      notFindings++;
      continue;
    }
    const descriptor = ruleOf(result, components, byId);
    const ruleId = result.ruleId ?? descriptor?.id ?? "unknown-rule";
    const location = result.locations?.[0]?.physicalLocation;
    const uri = location?.artifactLocation?.uri;
    if (uri === undefined) {
      withoutLocation++;
      continue;
    }
    const file = resolveUri(uri, location?.artifactLocation?.uriBaseId, run, {
      ...options,
      where: `${where} result ${resultIndex}`,
    });
    if (file === undefined) {
      outside.push(uri);
      continue;
    }
    const score = resultScore(result, descriptor, options);
    let rule = report.rules.get(ruleId);
    if (!rule) {
      rule = ruleInput(ruleId, descriptor, repairs);
      // Without a security-severity the rule carries the worst severity its results have.
      if (score !== undefined) rule.severity = score;
      report.rules.set(ruleId, rule);
    } else if (score !== undefined && typeof rule.severity === "number") {
      rule.severity = Math.max(rule.severity, score);
    }
    const region = location?.region;
    const snippet = region?.snippet?.text;
    const suppressions = repairs.suppressions(result.suppressions, `${file}:${region?.startLine ?? 1}`);
    const finding: Finding = {
      ruleId,
      message: messageOf(result, descriptor, rule),
      path: file,
      startLine: region?.startLine ?? 1,
      ...(region?.startColumn ? { startColumn: region.startColumn } : {}),
      ...repairs.regionEnd(region, file),
      ...(snippet !== undefined && snippet.trim() !== "" ? { snippet } : {}),
      ...(score !== undefined ? { severity: severityFromScore(score) } : {}),
      ...(suppressions.length ? { suppressions } : {}),
    };
    report.findings.push(finding);
  }
  if (withoutLocation > 0) {
    report.warnings.push(
      `${where}: ${withoutLocation} result(s) have no file location and were left out (code scanning needs one).`,
    );
  }
  if (outside.length > 0) {
    report.warnings.push(
      `${where}: ${outside.length} result(s) point outside the repository and were left out (first: ${outside[0]}).`,
    );
  }
  if (notFindings > 0) {
    report.notes.push(
      `${where}: ${notFindings} result(s) are checks that passed, did not apply or are gone (kind or baselineState), not findings.`,
    );
  }
  return report;
}

/** Results that report a problem: not passed or inapplicable checks, not ones already fixed. */
function isFinding(result: Sarif.Result): boolean {
  const kind = result.kind ?? "fail";
  return (kind === "fail" || kind === "review" || kind === "open") && result.baselineState !== "absent";
}

function ruleOf(
  result: Sarif.Result,
  components: Sarif.ToolComponent[],
  byId: Map<string, Sarif.ReportingDescriptor>,
): Sarif.ReportingDescriptor | undefined {
  const component =
    components[result.rule?.toolComponent?.index === undefined ? 0 : result.rule.toolComponent.index + 1];
  const index = result.rule?.index ?? result.ruleIndex;
  if (index !== undefined && index >= 0) {
    const byIndex = component?.rules?.[index];
    if (byIndex) return byIndex;
  }
  const id = result.ruleId ?? result.rule?.id;
  return id === undefined ? undefined : byId.get(id);
}

/**
 * A result's own score: the tool-specific one, else its level when the rule has no
 * security-severity (GitHub, too, lets a rule's security-severity win over levels).
 */
function resultScore(
  result: Sarif.Result,
  rule: Sarif.ReportingDescriptor | undefined,
  options: SarifImportOptions,
): number | undefined {
  if (parseScore(rule?.properties?.["security-severity"]) !== undefined) return undefined;
  const own = options.resultScore?.(result);
  if (own !== undefined) return own;
  const severity = result.level ? severityFromLabel(result.level) : undefined;
  return severity ? scoreForSeverity(severity) : undefined;
}

function parseScore(value: unknown): number | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const n = Number(value);
  return String(value).trim() !== "" && Number.isFinite(n) && n >= 0 && n <= 10 ? n : undefined;
}

/** Rule metadata in profile form: severity from security-severity, else the default level. */
function ruleInput(
  id: string,
  rule: Sarif.ReportingDescriptor | undefined,
  repairs: SarifRepairs,
): RuleInput {
  const short = rule?.shortDescription?.text || rule?.fullDescription?.text || rule?.name || id;
  const full = rule?.fullDescription?.text || short;
  const tags = ((rule?.properties?.tags as unknown[] | undefined) ?? []).filter(
    (t): t is string => typeof t === "string",
  );
  const levelSeverity = severityFromLabel(rule?.defaultConfiguration?.level ?? "warning") ?? "medium";
  const helpUri = repairs.helpUri(rule);
  return {
    id,
    ...(rule?.name ? { name: rule.name } : {}),
    shortDescription: short,
    fullDescription: full,
    ...(rule?.help?.text ? { helpText: rule.help.text } : {}),
    ...(rule?.help?.markdown ? { helpMarkdown: rule.help.markdown } : {}),
    ...(helpUri ? { helpUri } : {}),
    cwe: cweIds(rule, tags),
    tags: tags.filter((t) => !CWE_TAG.test(t)),
    severity: parseScore(rule?.properties?.["security-severity"]) ?? scoreForSeverity(levelSeverity),
  };
}

const CWE_TAG = /(^|[^a-z])cwe[-_ /]*\d+/i;

/** CWE ids from tags ("external/cwe/cwe-079", "CWE-89: …") and CWE taxonomy relationships. */
function cweIds(rule: Sarif.ReportingDescriptor | undefined, tags: string[]): number[] {
  const ids = new Set<number>();
  for (const tag of tags) {
    const match = /cwe[-_ /]*0*(\d+)/i.exec(tag);
    if (match) ids.add(Number(match[1]));
  }
  for (const relationship of rule?.relationships ?? []) {
    const target = relationship.target;
    if (target.toolComponent?.name?.toUpperCase() === "CWE" || /^CWE-\d+$/i.test(target.id ?? "")) {
      const match = /(\d+)/.exec(target.id ?? "");
      if (match) ids.add(Number(match[1]));
    }
  }
  return [...ids];
}

/** The result's text, or its message template filled with its arguments. */
function messageOf(
  result: Sarif.Result,
  descriptor: Sarif.ReportingDescriptor | undefined,
  rule: RuleInput,
): string {
  const text = result.message.text ?? templateText(result, descriptor);
  return text && text.trim() !== "" ? text : rule.shortDescription;
}

function templateText(
  result: Sarif.Result,
  descriptor: Sarif.ReportingDescriptor | undefined,
): string | undefined {
  const id = result.message.id;
  const template = id === undefined ? undefined : descriptor?.messageStrings?.[id]?.text;
  if (template === undefined) return undefined;
  const args = result.message.arguments ?? [];
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => args[Number(n)] ?? whole);
}

/**
 * A result URI → repository-relative path, through the run's uriBaseIds when they are absolute.
 * Percent-encoded `..` segments are refused (a UserError), in the URI and in its bases.
 */
function resolveUri(
  uri: string,
  uriBaseId: string | undefined,
  run: Sarif.Run,
  options: SarifImportOptions & { where: string },
): string | undefined {
  // flawfinder's names are literal: "%2e%2e" there is a folder's name, not an encoding.
  if (!options.rawUris) refuseEncodedTraversal(uri, options.where);
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) {
    return /^file:/i.test(uri) ? repoRelative(uri, options.toolCwd, options.repoRoot) : undefined;
  }
  const base = uriBaseId ? baseDirectory(uriBaseId, run, 0, options.where) : undefined;
  const file = options.rawUris ? uri : decodePath(uri);
  return repoRelative(file, base ?? options.toolCwd, options.repoRoot);
}

/** An absolute folder for a uriBaseId, following chained bases; undefined when not absolute. */
function baseDirectory(id: string, run: Sarif.Run, depth: number, where: string): string | undefined {
  const entry = run.originalUriBaseIds?.[id];
  if (!entry?.uri || depth > 5) return undefined;
  refuseEncodedTraversal(entry.uri, `${where}: originalUriBaseIds.${id}`);
  if (/^file:/i.test(entry.uri)) {
    try {
      return fileURLToPath(entry.uri);
    } catch {
      return undefined;
    }
  }
  const parent = entry.uriBaseId ? baseDirectory(entry.uriBaseId, run, depth + 1, where) : undefined;
  return parent ? path.join(parent, decodePath(entry.uri)) : undefined;
}
