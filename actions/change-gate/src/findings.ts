import { advisoriesOf, isNew, type Severity, suppressionState } from "@secflow/kit";
import { decodePath, FINGERPRINT_KEY, severityOf } from "@secflow/sarif";
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
  source: string;
}

export interface FindingSet {
  findings: Finding[];
  /** Runs without a baseline, whose results all count as new. */
  fullModeRuns: string[];
}

/** The findings of every counted run; team severity overrides from the base configuration apply. */
export function collectFindings(
  runs: readonly LoadedRun[],
  overrides: Readonly<Record<string, Severity>> = {},
): FindingSet {
  const set: FindingSet = { findings: [], fullModeRuns: [] };
  for (const { run, category: runCategory, source } of runs) {
    const results = (run.results ?? []).filter((r) => r.baselineState !== "absent");
    if (results.some((r) => r.baselineState === undefined)) set.fullModeRuns.push(runCategory);
    for (const result of results) {
      const secflow = (result.properties?.secflow ?? {}) as Record<string, unknown>;
      const category = secflow.category;
      if (category !== "sast" && category !== "sca" && category !== "policy") continue;
      const ruleId = result.ruleId ?? "";
      const location = result.locations?.[0]?.physicalLocation;
      const fingerprint = result.partialFingerprints?.[FINGERPRINT_KEY];
      set.findings.push({
        category,
        ruleId,
        message: result.message.text ?? "",
        severity: overrides[ruleId] ?? severityOf(result),
        path: decodePath(location?.artifactLocation?.uri ?? ""),
        line: location?.region?.startLine ?? 1,
        ...(fingerprint ? { fingerprint } : {}),
        advisories: advisoriesOf(result),
        isNew: isNew(result),
        suppressedBySource: ["in-source", "external"].includes(suppressionState(result)),
        suppressedInSource: suppressionState(result) === "in-source",
        run: runCategory,
        source,
      });
    }
  }
  return set;
}
