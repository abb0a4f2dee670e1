import { actionInputSource, inputs, runAction } from "@secflow/kit";
import { readOptions, run as runLogic } from "./run.ts";

/** The step: inputs as the runner passes them, the logic of run.ts, failures through @actions/core. */
export async function run(): Promise<void> {
  await runAction((io) => runLogic(readOptions(inputs(actionInputSource()), process.env), io));
}
