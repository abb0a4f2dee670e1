import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { formatIssues, MAX_SARIF_BYTES, parseSarif, type Sarif, validate } from "@secflow/sarif";
import type { Problem } from "./reasons.ts";
import { sameCommit } from "./revisions.ts";

interface RunRecord {
  category: string;
  tool: string;
  results: number;
  /** Whether the run counts; a duplicate or the gate's own output does not. */
  counted: boolean;
  note?: string;
}

/** What the evidence keeps of each file read: enough to prove which bytes were judged. */
export interface SarifFileRecord {
  file: string;
  sha256?: string;
  bytes?: number;
  status: "read" | "invalid";
  runs: RunRecord[];
}

export interface LoadedRun {
  run: Sarif.Run;
  category: string;
  /** The secflow action that wrote the run. */
  action?: string;
  /** The file it came from, as shown to people. */
  source: string;
}

export interface SarifInputs {
  files: SarifFileRecord[];
  runs: LoadedRun[];
  problems: Problem[];
  notes: string[];
}

export interface ReadSarifOptions {
  workspace: string;
  /** Commits the runs may describe (the change's head, the merge commit the job checked out). */
  revisions: string[];
}

/**
 * Reads, digests and validates each SARIF file. A file that is empty, truncated, not SARIF or
 * not the secflow profile is a problem naming the file. An identical run read twice (the same
 * artifact downloaded twice) counts once; two different runs claiming one category are refused.
 */
export async function readSarifInputs(
  files: readonly string[],
  options: ReadSarifOptions,
): Promise<SarifInputs> {
  const inputs: SarifInputs = { files: [], runs: [], problems: [], notes: [] };
  const seen = new Map<string, { digest: string; source: string }>();
  for (const file of files) {
    const shown = displayPath(file, options.workspace);
    const record: SarifFileRecord = { file: shown, status: "invalid", runs: [] };
    inputs.files.push(record);
    const log = await readLog(file, shown, record, inputs.problems);
    if (!log) continue;
    record.status = "read";
    log.runs.forEach((run, index) => {
      const category = run.automationDetails?.id ?? "";
      const action = (run.properties?.secflow as { action?: string } | undefined)?.action;
      const runRecord: RunRecord = {
        category,
        tool: run.tool.driver.name,
        results: run.results?.length ?? 0,
        counted: false,
      };
      record.runs.push(runRecord);
      const where = `run ${index} (${category}) of ${shown}`;
      if (action === "change-gate") {
        runRecord.note = "the gate's own output; not judged again";
        return;
      }
      const revision = run.versionControlProvenance?.[0]?.revisionId;
      if (revision && options.revisions.length && !options.revisions.some((r) => sameCommit(r, revision))) {
        inputs.problems.push({
          rule: "gate/invalid-input",
          message: `${where} describes commit ${revision}, not the head of the change under review (${options.revisions.join(" or ")}): a stale artifact from an earlier run? Re-run the job that writes it.`,
        });
        runRecord.note = "describes another commit";
        return;
      }
      const digest = createHash("sha256").update(JSON.stringify(run)).digest("hex");
      const first = seen.get(category);
      if (first && first.digest === digest) {
        runRecord.note = `identical to the run in ${first.source}; counted once`;
        inputs.notes.push(`${where} is identical to the run in ${first.source}; it is counted once.`);
        return;
      }
      if (first) {
        inputs.problems.push({
          rule: "gate/invalid-input",
          message: `${where} and the run in ${first.source} both claim category "${category}" with different results; give the gate one SARIF file per job, or give each run its own category.`,
        });
        runRecord.note = "conflicts with another run of the same category";
        return;
      }
      seen.set(category, { digest, source: shown });
      runRecord.counted = true;
      inputs.runs.push({ run, category, source: shown, ...(action ? { action } : {}) });
    });
  }
  return inputs;
}

async function readLog(file: string, shown: string, record: SarifFileRecord, problems: Problem[]) {
  const fail = (message: string) => {
    problems.push({ rule: "gate/invalid-input", message });
    return undefined;
  };
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return fail(`${shown}: cannot read the SARIF file`);
  if (info.size > MAX_SARIF_BYTES)
    return fail(`${shown}: ${info.size} bytes is more than a SARIF file may have`);
  const bytes = await readFile(file);
  record.sha256 = createHash("sha256").update(bytes).digest("hex");
  record.bytes = bytes.length;
  let log: Sarif.Log;
  try {
    log = parseSarif(bytes.toString("utf8"), shown);
  } catch (error) {
    if (isUserError(error)) return fail(error.message);
    throw error;
  }
  const { valid, issues } = validate(log, { maxIssues: 5 });
  if (!valid) {
    return fail(
      `${shown}: not valid secflow SARIF, so its results cannot be trusted (SARIF from other tools goes through actions/sast's import first):\n${formatIssues(issues)}`,
    );
  }
  return log;
}

/** Relative to the workspace when inside it, so messages and evidence do not depend on the runner's folders. */
export function displayPath(file: string, workspace: string): string {
  const relative = path.relative(workspace, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
}
