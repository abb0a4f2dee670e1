import { isIncomplete, uncheckedOf } from "@secflow/kit";
import {
  type RuleInput,
  type Sarif,
  scoreForSeverity,
  severityFromLabel,
  severityFromScore,
} from "@secflow/sarif";
import { emptyReport, type Finding, type ToolReport } from "../report.ts";
import { type Evidence, EvidenceReader } from "./sarif-import-evidence.ts";
import { RunLocations } from "./sarif-import-locations.ts";
import { isSchemaUri, SarifRepairs } from "./sarif-repairs.ts";

/** An imported finding: with the code flows, related locations and fixes its tool gave. */
export type ImportedFinding = Finding & Evidence;

export interface SarifImportOptions {
  /**
   * The folder secflow scans. URIs are read from the repository root, as GitHub reads them; a
   * warning names a missing file that exists below this folder.
   */
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
  const locations = new RunLocations(run, {
    repoRoot: options.repoRoot,
    scanRoot: options.toolCwd,
    ...(options.rawUris ? { rawUris: true } : {}),
  });
  const evidence = new EvidenceReader(run, locations);
  for (const [resultIndex, result] of (run.results ?? []).entries()) {
    if (!isFinding(result)) {
      notFindings++;
      continue;
    }
    const descriptor = ruleOf(result, components, byId);
    // An empty id (SARIF allows one) is no id: the profile and GitHub need a name.
    const ruleId = result.ruleId || descriptor?.id || "unknown-rule";
    const location = result.locations?.[0]?.physicalLocation;
    const at = `${where} result ${resultIndex}`;
    const resolved = locations.resolve(location?.artifactLocation, at);
    if ("problem" in resolved) {
      if (resolved.problem === "no-uri") withoutLocation++;
      else outside.push(resolved.uri);
      continue;
    }
    const file = resolved.path;
    locations.noteResult(file, resolved.nested);
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
    const finding: ImportedFinding = {
      ruleId,
      message: messageOf(result, descriptor, rule),
      path: file,
      startLine: region?.startLine ?? 1,
      ...(region?.startColumn ? { startColumn: region.startColumn } : {}),
      ...repairs.regionEnd(region, file),
      ...(snippet !== undefined && snippet.trim() !== "" ? { snippet } : {}),
      ...(score !== undefined ? { severity: severityFromScore(score) } : {}),
      ...(suppressions.length ? { suppressions } : {}),
      ...evidence.of(result, at),
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
  report.warnings.push(...locations.warnings(where), ...evidence.warnings(where));
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
