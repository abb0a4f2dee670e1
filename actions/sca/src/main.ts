import { actionInputSource, inputs, runAction } from "@secflow/kit";
import { readOptions, run } from "./run.ts";

await runAction((io) => run(readOptions(inputs(actionInputSource()), process.env), io));
