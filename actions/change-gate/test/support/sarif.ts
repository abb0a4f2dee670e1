import { recordCoverage, type Unchecked } from "@secflow/kit";
import {
  type ActionName,
  type ResultInput,
  RunBuilder,
  type Sarif,
  type Severity,
  sarifLog,
  validate,
} from "@secflow/sarif";

interface TestResult {
  ruleId: string;
  severity: Severity;
  path: string;
  line: number;
  message?: string;
  baselineState?: Sarif.Result.baselineState;
  properties?: Record<string, unknown>;
  suppressions?: Sarif.Suppression[];
}

export interface TestRun {
  action: Exclude<ActionName, "change-gate">;
  tool?: string;
  /** The commit the run says it scanned (versionControlProvenance); unset: no provenance. */
  revisionId?: string;
  /** `properties.secflow.headRef`: the head the action compared (written from the CLI too). */
  headRef?: string;
  results: TestResult[];
  /** What the scan could not check, recorded as the kit's recordCoverage does; unset: no invocation. */
  unchecked?: Unchecked[];
}

const CATEGORY = { sast: "sast", sca: "sca", "policy-diff": "policy" } as const;

/** A profile-conformant log built with the shared library, as the other actions write it. */
export function sarifOf(...runs: TestRun[]) {
  const log = sarifLog(
    runs.map((spec) => {
      const tool = spec.tool ?? { sast: "ESLint", sca: "OSV", "policy-diff": "policy-diff" }[spec.action];
      const builder = new RunBuilder({
        action: spec.action,
        actionVersion: "0.1.0",
        tool: { name: tool, version: "1.0.0", informationUri: "https://example.com/tool" },
        mode: spec.results.every((r) => r.baselineState) ? "diff" : "full",
        ...(spec.headRef ? { headRef: spec.headRef } : {}),
        ...(spec.revisionId
          ? { repository: { uri: "https://github.com/Codertocat/Hello-World", revisionId: spec.revisionId } }
          : {}),
      });
      for (const r of spec.results) {
        builder.rule({ id: r.ruleId, shortDescription: `Rule ${r.ruleId}`, severity: r.severity });
        const input: ResultInput = {
          ruleId: r.ruleId,
          message: r.message ?? `${r.ruleId} found`,
          path: r.path,
          startLine: r.line,
          snippet: `line ${r.line} of ${r.path}`,
          severity: r.severity,
          category: CATEGORY[spec.action],
          ...(r.baselineState ? { baselineState: r.baselineState } : {}),
          ...(r.properties ? { properties: r.properties } : {}),
          ...(r.suppressions ? { suppressions: r.suppressions } : {}),
        };
        builder.result(input);
      }
      const run = builder.build();
      if (spec.unchecked) recordCoverage(run, spec.unchecked);
      return run;
    }),
  );
  const check = validate(log);
  if (!check.valid) throw new Error(`test SARIF is invalid: ${JSON.stringify(check.issues)}`);
  return log;
}
