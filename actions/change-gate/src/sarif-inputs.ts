import { createHash, type Hash } from "node:crypto";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { isIncomplete, uncheckedOf } from "@secflow/kit";
import {
  formatIssues,
  parseResultText,
  type Sarif,
  type StreamedSarif,
  StreamingValidator,
  streamSarif,
} from "@secflow/sarif";
import { type NewResult, newResultOf } from "./findings.ts";
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
  /** The run without its results (read as a stream; only the new ones are kept, below). */
  run: Sarif.Run;
  /** Its results that the change introduced, reduced to what the rules judge. */
  newResults: NewResult[];
  /** Some result has no baseline state, so every result counts as new. */
  fullMode: boolean;
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
    const read = await readLog(file, shown, record, tracked ? [] : inputs.problems);
    if (tracked) {
      record.status = "ignored";
      record.ignored = committedWhy(tracked);
    }
    if (!read) {
      if (tracked) inputs.ignored.push({ source: shown, category: "", why: committedWhy(tracked) });
      continue;
    }
    if (!tracked) record.status = "read";
    read.log.runs.forEach((run, index) => {
      const results = read.runs[index] ?? emptyRun();
      const category = run.automationDetails?.id ?? "";
      const action = (run.properties?.secflow as { action?: string } | undefined)?.action;
      const provenance = provenanceOf(run);
      const runRecord: RunRecord = {
        category,
        tool: run.tool.driver.name,
        results: read.resultCounts[index] ?? 0,
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
      const digest = results.digest.update(JSON.stringify(run)).digest("hex");
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
        newResults: results.newResults,
        fullMode: results.fullMode,
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

/** What reading keeps of each run's results. */
interface ReadRun {
  /** Of the results' text; the run's own JSON is added once it is known. */
  digest: Hash;
  newResults: NewResult[];
  fullMode: boolean;
}

const emptyRun = (): ReadRun => ({ digest: createHash("sha256"), newResults: [], fullMode: false });

/**
 * Reads a SARIF file as a stream (any size, in bounded memory): the file's digest, each result
 * validated and reduced as it arrives, only new results kept.
 */
async function readLog(file: string, shown: string, record: SarifFileRecord, problems: Problem[]) {
  const fail = (message: string) => {
    problems.push({ rule: "gate/invalid-input", message });
    return undefined;
  };
  const fileDigest = createHash("sha256");
  const validator = new StreamingValidator({ maxIssues: 5 });
  const runs: ReadRun[] = [];
  let streamed: StreamedSarif;
  try {
    streamed = await streamSarif(
      file,
      {
        chunk: (bytes) => fileDigest.update(bytes),
        result(text, run, index, rules) {
          const result = parseResultText(text, shown, run, index);
          validator.add(result, run, index, rules);
          const read = (runs[run] ??= emptyRun());
          read.digest.update(text).update("\n");
          if (result.baselineState === undefined) read.fullMode = true;
          const reduced = newResultOf(result);
          if (reduced) read.newResults.push(reduced);
        },
      },
      { source: shown },
    );
  } catch (error) {
    if (isUserError(error)) return fail(error.message);
    throw error;
  }
  record.sha256 = fileDigest.digest("hex");
  record.bytes = streamed.bytes;
  const { valid, issues } = validator.finish(streamed);
  if (!valid) {
    return fail(
      `${shown}: not valid secflow SARIF, so its results cannot be trusted (SARIF from other tools goes through actions/sast's import first):\n${formatIssues(issues)}`,
    );
  }
  return { log: streamed.log, resultCounts: streamed.resultCounts, runs };
}

/** Relative to the workspace when inside it, so messages and evidence do not depend on the runner's folders. */
export function displayPath(file: string, workspace: string): string {
  const relative = path.relative(workspace, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
}
