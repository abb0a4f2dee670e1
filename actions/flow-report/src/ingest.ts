import type { Database } from "./database.ts";
import { type BadFile, FOLDER_LIMITS, readEvidenceFolder } from "./read-folder.ts";
import { upsertEvidence, upsertPullRequests } from "./store.ts";

export interface IngestResult {
  evidence: number;
  pullRequests: number;
  bad: BadFile[];
  ignored: string[];
}

export type Progress = (line: string) => void;

/** Reads a folder of evidence (and pull request) files into the store, batch by batch. */
export async function ingestFolder(
  db: Database,
  dir: string,
  progress: Progress,
  limits = FOLDER_LIMITS,
): Promise<IngestResult> {
  const result: IngestResult = { evidence: 0, pullRequests: 0, bad: [], ignored: [] };
  let lastReport = Date.now();
  await readEvidenceFolder(
    dir,
    async (batch, done, total) => {
      await upsertEvidence(db, batch.evidence);
      await upsertPullRequests(db, batch.pullRequests);
      result.evidence += batch.evidence.length;
      result.pullRequests += batch.pullRequests.length;
      result.bad.push(...batch.bad);
      result.ignored.push(...batch.ignored);
      // A line every few seconds on a long sync, so a runner's log shows it is moving.
      if (Date.now() - lastReport > 5_000 && done < total) {
        progress(`read ${done} of ${total} files (${Math.round((100 * done) / total)} %)`);
        lastReport = Date.now();
      }
    },
    limits,
  );
  return result;
}
