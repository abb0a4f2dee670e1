import { type ConsoleIO, inputs, recordInputSource } from "@secflow/kit";
import { capturedIO } from "@secflow/kit/testing";
import { type Outcome, readOptions, run } from "../../src/run.ts";

export interface ReportRun {
  outcome: Outcome;
  io: ConsoleIO;
  log: string;
}

/** Runs the action's logic as the runner and `secflow report` do: inputs by their action.yml names. */
export async function runReport(
  given: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
): Promise<ReportRun> {
  const { io, printed } = capturedIO();
  const outcome = await run(readOptions(inputs(recordInputSource(given)), env), io);
  return { outcome, io, log: printed() };
}
