import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { isIncomplete, uncheckedOf } from "@secflow/kit";
import { formatIssues, MAX_SARIF_BYTES, parseSarif, type Sarif, validate } from "@secflow/sarif";
import type { Problem } from "./reasons.ts";
import { sameCommit } from "./revisions.ts";

interface RunRecord {
  category: string;
  tool: string;
  results: number;
  /** Whether the run counts; a duplicate, an ignored run or the gate's own output does not. */
  counted: boolean;
  /** The commits it says it scanned (see provenanceOf). */
  provenance: string[];
  /** The run says it did not check everything (its invocation was not successful). */
  incomplete?: boolean;
  /** What it did not check, as its tool execution notifications say. */
  unchecked?: string[];
  note?: string;
}

/** What the evidence keeps of each file read: enough to prove which bytes were judged. */
export interface SarifFileRecord {
  file: string;
  sha256?: string;
  bytes?: number;
  status: "read" | "invalid" | "ignored";
  /** Why the whole file is ignored (the pull request committed it). */
  ignored?: string;
  runs: RunRecord[];
}

export interface LoadedRun {
  run: Sarif.Run;
  category: string;
  /** The secflow action that wrote the run. */
  action?: string;
  /** The file it came from, as shown to people. */
  source: string;
  /** Set when the run says it did not check everything: what it did not check. */
  incomplete?: string[];
}

/** A run the gate did not count because it is not bound to the change; its category may then be missing. */
export interface IgnoredRun {
  source: string;
  category: string;
  action?: string;
  why: string;
}

export interface SarifInputs {
  files: SarifFileRecord[];
  runs: LoadedRun[];
  ignored: IgnoredRun[];
  problems: Problem[];
  notes: string[];
}

export interface ReadSarifOptions {
  workspace: string;
  /** Commits the runs may describe (the change's head, the merge commit the job checked out). */
  revisions: string[];
  /** Files the repository tracks (see committed-files.ts): file → why. */
  committed: ReadonlyMap<string, string>;
}

/** Why a file the pull request committed does not count. */
export function committedWhy(tracked: string): string {
  return `committed: ${tracked}; only a file a job wrote counts (download artifacts to a folder the repository does not track)`;
}

/**
 * Reads, digests and validates each SARIF file. A file that is empty, truncated, not SARIF or
 * not the secflow profile is a problem naming the file. A run counts only when it is bound to
 * the change: its file is not committed in the repository and its provenance names the head
 * (or the merge commit the jobs checked out); any other run is ignored, with the reason. An
 * identical run read twice (the same artifact downloaded twice) counts once; two different runs
 * claiming one category are refused.
 */
export async function readSarifInputs(
  files: readonly string[],
  options: ReadSarifOptions,
): Promise<SarifInputs> {
  const inputs: SarifInputs = { files: [], runs: [], ignored: [], problems: [], notes: [] };
  const seen = new Map<string, { digest: string; source: string }>();
  for (const file of files) {
    const shown = displayPath(file, options.workspace);
    const record: SarifFileRecord = { file: shown, status: "invalid", runs: [] };
    inputs.files.push(record);
    const tracked = options.committed.get(file);
    // A committed file is ignored whatever it holds; its problems are not the change's.
    const log = await readLog(file, shown, record, tracked ? [] : inputs.problems);
    if (tracked) {
      record.status = "ignored";
      record.ignored = committedWhy(tracked);
    }
    if (!log) {
      if (tracked) inputs.ignored.push({ source: shown, category: "", why: committedWhy(tracked) });
      continue;
    }
    if (!tracked) record.status = "read";
    log.runs.forEach((run, index) => {
      const category = run.automationDetails?.id ?? "";
      const action = (run.properties?.secflow as { action?: string } | undefined)?.action;
      const provenance = provenanceOf(run);
      const runRecord: RunRecord = {
        category,
        tool: run.tool.driver.name,
        results: run.results?.length ?? 0,
        counted: false,
        provenance,
      };
      if (isIncomplete(run)) Object.assign(runRecord, { incomplete: true, unchecked: uncheckedOf(run) });
      record.runs.push(runRecord);
      const where = `run ${index} (${category}) of ${shown}`;
      if (action === "change-gate") {
        runRecord.note = "the gate's own output; not judged again";
        return;
      }
      const unbound = tracked ? committedWhy(tracked) : unboundWhy(provenance, options.revisions);
      if (unbound) {
        runRecord.note = unbound;
        inputs.ignored.push({ source: shown, category, ...(action ? { action } : {}), why: unbound });
        inputs.notes.push(`Ignored ${where}: ${unbound}`);
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
      inputs.runs.push({
        run,
        category,
        source: shown,
        ...(action ? { action } : {}),
        ...(runRecord.unchecked ? { incomplete: runRecord.unchecked } : {}),
      });
    });
  }
  return inputs;
}

const SHA = /^[0-9a-f]{7,64}$/i;

/**
 * The commits a run says it scanned: `versionControlProvenance[].revisionId`, which the actions
 * write when the workflow names the repository, else the profile's `properties.secflow.headRef`
 * (the head the action compared, written on every run with a base, also from the CLI). Neither
 * can name the commit that contains the file, so a committed file never matches.
 */
function provenanceOf(run: Sarif.Run): string[] {
  const revisions = (run.versionControlProvenance ?? []).flatMap((p) => (p.revisionId ? [p.revisionId] : []));
  if (revisions.length) return revisions;
  const headRef = (run.properties?.secflow as { headRef?: unknown } | undefined)?.headRef;
  return typeof headRef === "string" && SHA.test(headRef) ? [headRef] : [];
}

/** Why a run's provenance does not bind it to the change; undefined when it does. */
function unboundWhy(provenance: readonly string[], revisions: readonly string[]): string | undefined {
  if (revisions.length === 0) return "the change's head is unknown, so the run cannot be bound to it";
  if (provenance.length === 0) {
    return "names no commit (no versionControlProvenance revisionId, no properties.secflow.headRef), so it may be a stale artifact; write it with a current secflow action";
  }
  if (provenance.some((p) => revisions.some((r) => sameCommit(r, p)))) return undefined;
  return `describes commit ${provenance[0]}, not the head of the change under review (${revisions.join(" or ")}): a stale artifact from an earlier run? Re-run the job that writes it.`;
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
