import type { Database } from "./database.ts";
import { collectGarbage } from "./memory.ts";
import { type BadFile, FOLDER_LIMITS, readEvidenceFolder } from "./read-folder.ts";
import { refreshSnapshots, StoreWriter } from "./store.ts";

export interface IngestResult {
  evidence: number;
  pullRequests: number;
  bad: BadFile[];
  ignored: string[];
}

export type Progress = (line: string) => void;

/**
 * Reads a folder of evidence (and pull request) files into the store, in one transaction: a
 * folder is stored whole or not at all.
 */
export async function ingestFolder(
  db: Database,
  dir: string,
  progress: Progress,
  limits = FOLDER_LIMITS,
): Promise<IngestResult> {
  const result: IngestResult = { evidence: 0, pullRequests: 0, bad: [], ignored: [] };
  let lastReport = Date.now();
  await db.transaction(async (tx) => {
    const writer = await StoreWriter.open(tx);
    await readEvidenceFolder(
      dir,
      async (batch, done, total) => {
        for (const row of batch.evidence) writer.addEvidence(row);
        for (const row of batch.pullRequests) writer.addPullRequest(row);
        await writer.flushIfFull();
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
    if (result.evidence + result.pullRequests > 20_000) {
      progress(`storing ${result.evidence} gate runs and ${result.pullRequests} pull requests`);
      // The files' garbage goes before the database's merge takes its memory.
      collectGarbage();
    }
    await writer.finish();
  });
  await refreshSnapshots(db);
  return result;
}
