import { UserError } from "@secflow/errors";
import type * as Sarif from "sarif";
import { sarifLog } from "./builder.ts";

export interface SourcedLog {
  log: Sarif.Log;
  /** File name or other label, for error messages. */
  source: string;
}

/**
 * Merges logs into one, keeping each run apart (one category per run). Two runs with one
 * category would be rejected by GitHub, so they are refused here, naming both sources.
 */
export function mergeLogs(logs: SourcedLog[]): Sarif.Log {
  const runs: Sarif.Run[] = [];
  const seen = new Map<string, string>();
  for (const { log, source } of logs) {
    log.runs.forEach((run, i) => {
      const category = run.automationDetails?.id ?? `(no category: tool ${run.tool.driver.name})`;
      const first = seen.get(category);
      if (first !== undefined) {
        throw new UserError(
          `run ${i} of ${source} has category "${category}", already used by ${first}; give each run its own automationDetails.id`,
        );
      }
      seen.set(category, `run ${i} of ${source}`);
      runs.push(run);
    });
  }
  return sarifLog(runs);
}
