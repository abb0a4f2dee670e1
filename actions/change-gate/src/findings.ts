import type { Severity } from "@secflow/kit";
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
  /** Whether the pull request introduced it; see `isNew`. */
  isNew: boolean;
  /** The producer marked it suppressed; the gate does not trust that (see README). */
  suppressedBySource: boolean;
  run: string;
  source: string;
}

export interface FindingSet {
  findings: Finding[];
  /** Runs without a baseline, whose results all count as new. */
  fullModeRuns: string[];
}

/**
 * A result is new when its `baselineState` is "new", or when it has none: a run without a
 * baseline cannot show a finding was already there, so the gate assumes it was not.
 * "unchanged" and "updated" were there before; "absent" ones are gone.
 */
export function isNew(result: Sarif.Result): boolean {
  return result.baselineState === undefined || result.baselineState === "new";
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
        advisories: advisoriesOf(ruleId, secflow),
        isNew: isNew(result),
        suppressedBySource: (result.suppressions ?? []).some((s) => s.status !== "rejected"),
        run: runCategory,
        source,
      });
    }
  }
  return set;
}

function advisoriesOf(ruleId: string, secflow: Record<string, unknown>): string[] {
  const ids = new Set<string>([ruleId]);
  if (typeof secflow.advisory === "string") ids.add(secflow.advisory);
  if (Array.isArray(secflow.aliases))
    for (const alias of secflow.aliases) if (typeof alias === "string") ids.add(alias);
  return [...ids];
}
