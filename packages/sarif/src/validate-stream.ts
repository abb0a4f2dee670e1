import type * as Sarif from "sarif";
import { GzipMeter } from "./gzip-meter.ts";
import { GITHUB_LIMITS } from "./profile.ts";
import { parseResultText, type StreamedSarif, streamSarif } from "./stream.ts";
import {
  ruleIndexIssue,
  type ValidateOptions,
  type ValidationIssue,
  type ValidationResult,
  validate,
} from "./validate.ts";

/** Results validated per schema call: large enough that the wrapper costs nothing. */
const BATCH = 256;
const SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/**
 * A run that passes both schemas on its own, to carry a batch of results: whatever the schemas
 * then say is about the results. Its mode is "full"; the diff-mode rule is checked at the end,
 * when the real run's properties are known.
 */
const CARRIER = {
  tool: { driver: { name: "carrier", version: "0", informationUri: "https://secflow.dev", rules: [] } },
  automationDetails: { id: "secflow/sast/" },
  originalUriBaseIds: { "%SRCROOT%": { uri: "file:///" } },
  properties: { secflow: { profileVersion: 1, action: "sast", actionVersion: "0", mode: "full" } },
};

/**
 * `validate` for a log read by `streamSarif`: results are validated in batches as they arrive and
 * dropped, the rest of the log once at the end. Gives the issues `validate` gives for the whole
 * log, with the same pointers, except GitHub's size limit (see `validateSarifFile`).
 */
export class StreamingValidator {
  private readonly issues: ValidationIssue[] = [];
  private readonly maxIssues: number;
  private batch: Sarif.Result[] = [];
  private batchRun = 0;
  private batchStart = 0;
  /** Per run, results without a `baselineState`: a diff-mode run may not have any. */
  private readonly unstated: number[][] = [];

  constructor(private readonly options: ValidateOptions = {}) {
    this.maxIssues = options.maxIssues ?? 100;
  }

  get full(): boolean {
    return this.issues.length >= this.maxIssues;
  }

  add(
    result: Sarif.Result,
    run: number,
    index: number,
    rules: Sarif.ReportingDescriptor[] | undefined,
  ): void {
    if (this.full) return;
    if (this.batch.length > 0 && (run !== this.batchRun || this.batch.length >= BATCH)) this.flush();
    if (this.batch.length === 0) {
      this.batchRun = run;
      this.batchStart = index;
    }
    this.batch.push(result);
    if (result?.baselineState === undefined) {
      const unstated = (this.unstated[run] ??= []);
      if (unstated.length < 5) unstated.push(index);
    }
    // GitHub's check of ruleIndex against the rules, which the carrier run does not have.
    const ruleIndex = ruleIndexIssue(result, rules ?? [], `/runs/${run}/results/${index}`);
    if (ruleIndex) this.issues.push(ruleIndex);
  }

  /** The issues of the whole log, given the log read with its results emptied. */
  finish(streamed: Pick<StreamedSarif, "log" | "resultCounts">): ValidationResult {
    this.flush();
    const { log, resultCounts } = streamed;
    const envelope = validate(log, {
      ...this.options,
      skipSizeCheck: true,
      maxIssues: Number.MAX_SAFE_INTEGER,
    });
    const issues = [...envelope.issues];
    log.runs.forEach((run, r) => {
      const count = resultCounts[r] ?? 0;
      if (count > GITHUB_LIMITS.resultsPerRun) {
        issues.push({
          pointer: `/runs/${r}/results`,
          message: `${count} results; GitHub accepts at most ${GITHUB_LIMITS.resultsPerRun} per run`,
          source: "github",
        });
      }
      const mode = (run.properties?.secflow as { mode?: unknown } | undefined)?.mode;
      if (this.options.profile !== false && mode === "diff") {
        for (const i of this.unstated[r] ?? []) {
          issues.push({
            pointer: `/runs/${r}/results/${i}`,
            message: 'missing required property "baselineState"',
            source: "secflow-profile",
          });
        }
      }
    });
    issues.push(...this.issues);
    return { valid: issues.length === 0, issues: issues.slice(0, this.maxIssues) };
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const results = this.batch;
    this.batch = [];
    const carrier = { $schema: SCHEMA, version: "2.1.0", runs: [{ ...CARRIER, results }] };
    const { issues } = validate(carrier, {
      ...this.options,
      skipSizeCheck: true,
      maxIssues: Number.MAX_SAFE_INTEGER,
    });
    for (const issue of issues) {
      const at = /^\/runs\/0\/results\/(\d+)(.*)$/.exec(issue.pointer);
      if (!at) continue; // about the carrier, not the results
      if (issue.source === "github" && at[2] === "/ruleIndex") continue; // checked in `add`, with the real rules
      const pointer = `/runs/${this.batchRun}/results/${this.batchStart + Number(at[1])}${at[2]}`;
      this.issues.push({ ...issue, pointer });
    }
  }
}

/**
 * Validates a SARIF file of any size in bounded memory: `validate`'s checks, read as a stream,
 * and GitHub's 10 MB gzipped limit measured by compressing the bytes as they are read (stopped as
 * soon as the limit is passed).
 */
export async function validateSarifFile(
  file: string,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const validator = new StreamingValidator(options);
  const size = options.skipSizeCheck ? undefined : new GzipMeter(GITHUB_LIMITS.gzippedBytes);
  const streamed = await streamSarif(file, {
    result(text, run, index, rules) {
      if (!validator.full) validator.add(parseResultText(text, file, run, index), run, index, rules);
    },
    ...(size ? { chunk: (bytes: Buffer) => size.write(bytes) } : {}),
  });
  const result = validator.finish(streamed);
  if (size?.over) {
    result.issues.push({
      pointer: "",
      message: `at least ${(size.bytes / 1048576).toFixed(1)} MB gzipped; GitHub accepts at most 10 MB`,
      source: "github",
    });
    result.valid = false;
  }
  return result;
}
