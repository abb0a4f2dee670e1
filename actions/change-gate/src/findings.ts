import { advisoriesOf, isNew, type Severity, suppressionState } from "@secflow/kit";
import { decodePath, FINGERPRINT_KEY, type Sarif, severityOf } from "@secflow/sarif";
import type { LoadedRun } from "./sarif-inputs.ts";

/** One result of the input SARIF, reduced to what the rules judge. */
export interface Finding {
  category: "sast" | "sca" | "policy";
  ruleId: string;
  message: string;
  severity: Severity;
  path: string;
  line: number;
  fingerprint?: string;
  /** Advisory ids (SCA): the rule id and any `advisory` / `aliases` the producer recorded. */
  advisories: string[];
  /** Whether the change introduced it: the kit's `isNew` (baselineState new, or none at all). */
  isNew: boolean;
  /**
   * The producer marked it suppressed (in source or external, accepted: the kit's meaning; one
   * under review is not). The gate does not trust that, only waivers on the base commit (see README).
   */
  suppressedBySource: boolean;
  /** Suppressed in the source (`// eslint-disable-line`, `# nosec`): a decision the change made, which needs review. */
  suppressedInSource: boolean;
  run: string;
  /** The tool that found it (the run's `tool.driver.name`). */
  tool: string;
  source: string;
}

export interface FindingSet {
  findings: Finding[];
  /** Runs without a baseline, whose results all count as new. */
  fullModeRuns: string[];
}

/** What the gate keeps of a result it reads: only new ones are judged, so only they are kept. */
export type NewResult = Omit<Finding, "run" | "tool" | "source">;

/**
 * Reduces a result to what the rules judge, as it is read: undefined for one the gate does not
 * judge (not new, absent, or not a secflow category). Team severity overrides apply later, when
 * the base configuration is known.
 */
export function newResultOf(result: Sarif.Result): NewResult | undefined {
  if (result.baselineState === "absent" || !isNew(result)) return undefined;
  const secflow = (result.properties?.secflow ?? {}) as Record<string, unknown>;
  const category = secflow.category;
  if (category !== "sast" && category !== "sca" && category !== "policy") return undefined;
  const location = result.locations?.[0]?.physicalLocation;
  const fingerprint = result.partialFingerprints?.[FINGERPRINT_KEY];
  const suppression = suppressionState(result);
  return {
    category,
    ruleId: result.ruleId ?? "",
    message: result.message.text ?? "",
    severity: severityOf(result),
    path: decodePath(location?.artifactLocation?.uri ?? ""),
    line: location?.region?.startLine ?? 1,
    ...(fingerprint ? { fingerprint } : {}),
    advisories: advisoriesOf(result),
    isNew: true,
    suppressedBySource: suppression === "in-source" || suppression === "external",
    suppressedInSource: suppression === "in-source",
  };
}

/** The findings of every counted run; team severity overrides from the base configuration apply. */
export function collectFindings(
  runs: readonly LoadedRun[],
  overrides: Readonly<Record<string, Severity>> = {},
): FindingSet {
  const set: FindingSet = { findings: [], fullModeRuns: [] };
  for (const { run: sarifRun, newResults, fullMode, category: run, source } of runs) {
    if (fullMode) set.fullModeRuns.push(run);
    const tool = sarifRun.tool.driver.name;
    for (const result of newResults) {
      set.findings.push({
        ...result,
        severity: overrides[result.ruleId] ?? result.severity,
        run,
        tool,
        source,
      });
    }
  }
  return set;
}
