import type * as Sarif from "sarif";
import { contentHash, FINGERPRINT_KEY, formatFingerprint } from "./fingerprint.ts";
import {
  type ActionName,
  automationId,
  type FindingCategory,
  PROFILE_VERSION,
  type RunSecflowProperties,
  SARIF_SCHEMA_URI,
  SARIF_VERSION,
  SRCROOT,
} from "./profile.ts";
import {
  levelForSeverity,
  type Severity,
  scoreForSeverity,
  securitySeverityString,
  severityFromScore,
} from "./severity.ts";
import { encodePath } from "./uri-path.ts";

export interface ToolInfo {
  name: string;
  version?: string;
  informationUri: string;
  organization?: string;
  /** Plugin rule packs (eslint-plugin-security, …). */
  extensions?: { name: string; version?: string; informationUri?: string }[];
}

export interface RunOptions {
  action: ActionName;
  actionVersion: string;
  tool: ToolInfo;
  /** The tool part of the category; defaults to the tool name in lower case. */
  category?: string;
  team?: string;
  mode: "full" | "diff";
  /** Repository and head commit for `versionControlProvenance`. */
  repository?: { uri: string; revisionId: string; branch?: string };
  baseRef?: string;
  headRef?: string;
  /** File URI of the checkout; `%SRCROOT%` resolves against it. */
  srcRoot?: string;
  /** Team overrides by rule id (secflow.yml `severity-overrides`). */
  severityOverrides?: Record<string, Severity>;
}

export interface RuleInput {
  id: string;
  name?: string;
  shortDescription: string;
  fullDescription?: string;
  helpText?: string;
  helpMarkdown?: string;
  helpUri?: string;
  /** CWE ids as numbers or "CWE-89" strings; written as `external/cwe/cwe-089`. */
  cwe?: readonly (string | number)[];
  tags?: readonly string[];
  /** Either a ladder step or a numeric score (CVSS base score, …). */
  severity: Severity | number;
}

export interface ResultInput {
  ruleId: string;
  message: string;
  /** Repository-relative POSIX path. */
  path: string;
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  /** The flagged code; used for the region snippet and the fingerprint. */
  snippet?: string;
  /** Identity parts for results that are not code (SCA, policy); replaces the snippet in the hash. */
  identity?: string;
  /** Defaults to the rule's severity. */
  severity?: Severity;
  baselineState?: Sarif.Result.baselineState;
  suppressions?: Sarif.Suppression[];
  /**
   * Evidence an imported result carries, its locations already in profile form (a
   * repository-relative URI under %SRCROOT%; sast's importer resolves them): written as given.
   */
  codeFlows?: Sarif.CodeFlow[];
  relatedLocations?: Sarif.Location[];
  fixes?: Sarif.Fix[];
  category: FindingCategory;
  /** Category-specific properties, merged into `properties.secflow`. */
  properties?: Record<string, unknown>;
}

interface PendingResult {
  input: ResultInput;
  hash: string;
}

/** Builds one profile-conformant run: rules are added once, results get levels and fingerprints. */
export class RunBuilder {
  private readonly rules: Sarif.ReportingDescriptor[] = [];
  private readonly ruleIndex = new Map<string, number>();
  private readonly ruleSeverity = new Map<string, Severity>();
  private readonly pending: PendingResult[] = [];

  constructor(private readonly options: RunOptions) {}

  hasRule(id: string): boolean {
    return this.ruleIndex.has(id);
  }

  /** Adds a rule (once per id) and returns its index. */
  rule(input: RuleInput): number {
    const existing = this.ruleIndex.get(input.id);
    if (existing !== undefined) return existing;
    const override = this.options.severityOverrides?.[input.id];
    const score = override
      ? scoreForSeverity(override)
      : typeof input.severity === "number"
        ? input.severity
        : scoreForSeverity(input.severity);
    const severity = override ?? severityFromScore(score);
    const tags = new Set(["security", ...(input.tags ?? []), ...(input.cwe ?? []).map(cweTag)]);
    const helpText = input.helpText ?? input.fullDescription ?? input.shortDescription;
    const rule: Sarif.ReportingDescriptor = {
      id: input.id,
      name: input.name ?? ruleName(input.id),
      shortDescription: { text: input.shortDescription },
      fullDescription: { text: input.fullDescription ?? input.shortDescription },
      help: { text: helpText, markdown: input.helpMarkdown ?? helpText },
      ...(input.helpUri ? { helpUri: input.helpUri } : {}),
      properties: { tags: [...tags], "security-severity": securitySeverityString(score) },
    };
    const index = this.rules.push(rule) - 1;
    this.ruleIndex.set(input.id, index);
    this.ruleSeverity.set(input.id, severity);
    return index;
  }

  /** Queues a result; fingerprints are assigned in `build()`, once every result is known. */
  result(input: ResultInput): void {
    if (!this.ruleIndex.has(input.ruleId)) {
      throw new Error(`result for rule ${input.ruleId} added before the rule`);
    }
    const code = input.identity ?? input.snippet ?? input.message;
    this.pending.push({ input, hash: contentHash(input.ruleId, input.path, code) });
  }

  build(): Sarif.Run {
    const { options } = this;
    const secflow: RunSecflowProperties = {
      profileVersion: PROFILE_VERSION,
      action: options.action,
      actionVersion: options.actionVersion,
      mode: options.mode,
      ...(options.team ? { team: options.team } : {}),
      ...(options.baseRef ? { baseRef: options.baseRef } : {}),
      ...(options.headRef ? { headRef: options.headRef } : {}),
    };
    const { extensions, ...driver } = options.tool;
    return {
      tool: {
        driver: { ...driver, rules: this.rules },
        ...(extensions?.length ? { extensions } : {}),
      },
      automationDetails: {
        id: automationId(options.action, options.category ?? options.tool.name.toLowerCase(), options.team),
      },
      ...(options.repository
        ? {
            versionControlProvenance: [
              {
                repositoryUri: options.repository.uri,
                revisionId: options.repository.revisionId,
                ...(options.repository.branch ? { branch: options.repository.branch } : {}),
                mappedTo: { uriBaseId: SRCROOT },
              },
            ],
          }
        : {}),
      originalUriBaseIds: { [SRCROOT]: options.srcRoot ? { uri: withSlash(options.srcRoot) } : {} },
      results: this.buildResults(),
      properties: { secflow },
    };
  }

  private buildResults(): Sarif.Result[] {
    // Occurrence counters follow line order, so identical code repeated in one file stays apart.
    const ordered = [...this.pending].sort(
      (a, b) =>
        compare(a.input.path, b.input.path) ||
        a.input.startLine - b.input.startLine ||
        (a.input.startColumn ?? 0) - (b.input.startColumn ?? 0),
    );
    const seen = new Map<string, number>();
    return ordered.map(({ input, hash }) => {
      const occurrence = (seen.get(hash) ?? 0) + 1;
      seen.set(hash, occurrence);
      return this.buildResult(input, formatFingerprint(hash, occurrence));
    });
  }

  private buildResult(input: ResultInput, fingerprint: string): Sarif.Result {
    const severity = input.severity ?? (this.ruleSeverity.get(input.ruleId) as Severity);
    const startLine = Math.max(1, input.startLine);
    const region: Sarif.Region = { startLine };
    if (input.startColumn && input.startColumn >= 1) region.startColumn = input.startColumn;
    if (input.endLine && input.endLine >= startLine) region.endLine = input.endLine;
    if (input.endColumn && input.endColumn >= 1) region.endColumn = input.endColumn;
    if (input.snippet !== undefined) region.snippet = { text: input.snippet };
    return {
      ruleId: input.ruleId,
      ruleIndex: this.ruleIndex.get(input.ruleId) as number,
      level: levelForSeverity(severity),
      message: { text: input.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodePath(input.path), uriBaseId: SRCROOT },
            region,
          },
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
      ...(input.baselineState ? { baselineState: input.baselineState } : {}),
      ...(input.suppressions?.length ? { suppressions: input.suppressions } : {}),
      ...(input.codeFlows?.length ? { codeFlows: input.codeFlows } : {}),
      ...(input.relatedLocations?.length ? { relatedLocations: input.relatedLocations } : {}),
      ...(input.fixes?.length ? { fixes: input.fixes } : {}),
      properties: { secflow: { severity, category: input.category, ...input.properties } },
    };
  }
}

/** A complete SARIF log around the given runs. */
export function sarifLog(runs: Sarif.Run[]): Sarif.Log {
  return { $schema: SARIF_SCHEMA_URI, version: SARIF_VERSION, runs };
}

/** `CWE-89`, `89` or `cwe-089` → `external/cwe/cwe-089`, the form GitHub's filters expect. */
export function cweTag(cwe: string | number): string {
  const digits = String(cwe).replace(/^.*?(\d+).*$/, "$1");
  return `external/cwe/cwe-${digits.padStart(3, "0")}`;
}

function ruleName(id: string): string {
  const last = id.split(/[/:]/).pop() ?? id;
  return last
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");
}

function withSlash(uri: string): string {
  return uri.endsWith("/") ? uri : `${uri}/`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
