import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import { UserError } from "@secflow/errors";
import { BadRecord, classify, type EvidenceRow, type PullRequestRow } from "./evidence-record.ts";
import { collectGarbage } from "./memory.ts";

/** Bounds on what one folder may hold: a record is a few kilobytes, a folder a few hundred thousand. */
export const FOLDER_LIMITS = { maxFileBytes: 16 * 1024 * 1024, maxFiles: 1_000_000 };

/** Files read between two full garbage collections (about 40 MB of JSON). */
const GC_EVERY = 25_000;

/** A file that could not be used, and why: reported, never skipped in silence. */
export interface BadFile {
  file: string;
  reason: string;
}

export interface FolderBatch {
  evidence: EvidenceRow[];
  pullRequests: PullRequestRow[];
  bad: BadFile[];
  /** JSON files that are neither evidence nor a pull request (a policy diff, an event payload). */
  ignored: string[];
}

/**
 * Every `*.json` under `dir` (symbolic links are not followed), in batches so that memory stays
 * bounded however many records there are. `onBatch` stores each batch before the next is read.
 */
export async function readEvidenceFolder(
  dir: string,
  onBatch: (batch: FolderBatch, done: number, total: number) => Promise<void>,
  limits = FOLDER_LIMITS,
  batchSize = 1000,
): Promise<void> {
  const files = await jsonFiles(dir, limits.maxFiles);
  let batch: FolderBatch = { evidence: [], pullRequests: [], bad: [], ignored: [] };
  let done = 0;
  for (const relative of files) {
    readOne(loadFile(path.join(dir, relative), limits.maxFileBytes), relative, batch);
    done++;
    if (batch.evidence.length + batch.pullRequests.length >= batchSize) {
      await onBatch(batch, done, files.length);
      batch = { evidence: [], pullRequests: [], bad: [], ignored: [] };
    }
    if (done % GC_EVERY === 0) collectGarbage();
  }
  await onBatch(batch, done, files.length);
}

type Loaded = { text: string } | { error: string };

// One buffer for every file: a folder is hundreds of thousands of small files.
let buffer = Buffer.allocUnsafe(1 << 16);

// Synchronous on purpose: a folder is hundreds of thousands of small files read one after the
// other, and an await per file cost ten times the reading itself. O_NOFOLLOW: a file swapped for
// a symbolic link after the listing is not followed either.
function loadFile(file: string, maxBytes: number): Loaded {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes)
      return { error: `${size} bytes is more than the ${maxBytes} an evidence record may have` };
    if (buffer.length <= size) buffer = Buffer.allocUnsafe(size + 1);
    // Until the end of the file, which may have grown since fstat.
    let length = 0;
    for (let n = 1; n > 0 && length <= maxBytes; length += n) {
      if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
      n = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > maxBytes)
      return { error: `${length} bytes is more than the ${maxBytes} an evidence record may have` };
    return { text: buffer.toString("utf8", 0, length) };
  } finally {
    closeSync(fd);
  }
}

function readOne(loaded: Loaded, file: string, batch: FolderBatch): void {
  if ("error" in loaded) {
    batch.bad.push({ file, reason: loaded.error });
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(loaded.text);
  } catch (error) {
    batch.bad.push({ file, reason: `not JSON: ${(error as Error).message}` });
    return;
  }
  try {
    const parsed = classify(value, file);
    if (parsed.kind === "evidence") batch.evidence.push(parsed.row);
    else if (parsed.kind === "pull-request") batch.pullRequests.push(parsed.row);
    else batch.ignored.push(file);
  } catch (error) {
    if (!(error instanceof BadRecord)) throw error;
    batch.bad.push({ file, reason: error.message });
  }
}

async function jsonFiles(dir: string, maxFiles: number): Promise<string[]> {
  try {
    const info = await lstat(dir);
    if (!info.isDirectory()) throw new UserError(`the evidence folder ${dir} is not a folder`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new UserError(`the evidence folder ${dir} does not exist; name a folder of evidence JSON files`);
    throw error;
  }
  // Paths relative to the folder: a few hundred thousand of them are held at once.
  const found: string[] = [];
  const pending = [""];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    for (const entry of await readdir(path.join(dir, current), { withFileTypes: true })) {
      const relative = current ? path.join(current, entry.name) : entry.name;
      if (entry.isDirectory()) pending.push(relative);
      else if (entry.isFile() && entry.name.endsWith(".json")) {
        found.push(relative);
        if (found.length > maxFiles)
          throw new UserError(
            `the evidence folder ${dir} holds more than ${maxFiles} JSON files; split it, or sync into a PostgreSQL database folder by folder`,
          );
      }
    }
  }
  return found.sort();
}
