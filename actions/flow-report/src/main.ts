import { actionInputSource, inputs, runAction } from "@secflow/kit";
import { readOptions, run as runLogic } from "./run.ts";

export async function run(): Promise<void> {
  await runAction((io) => runLogic(readOptions(inputs(actionInputSource()), process.env), io));
}
