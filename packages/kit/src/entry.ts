import { isUserError } from "@secflow/errors";
import { type ActionIO, actionsIO } from "./io.ts";

/** What an action's run() returns: a message when the step must fail (threshold, gate decision). */
export interface StepOutcome {
  failed?: string;
}

/**
 * Runs an action's main function. An outcome with `failed` fails the step with that message;
 * a UserError fails it with its message alone; any other error is a bug and fails it with the
 * stack. Like core.setFailed (exit code 1 and an error annotation), but through `io` so the CLI
 * and tests see it too; the process is left to end on its own so pending output is flushed.
 */
export async function runAction(
  // biome-ignore lint/suspicious/noConfusingVoidType: main may be an async function returning nothing.
  main: (io: ActionIO) => Promise<StepOutcome | undefined | void>,
  io: ActionIO = actionsIO(),
): Promise<void> {
  try {
    const outcome = await main(io);
    if (outcome?.failed) {
      process.exitCode = 1;
      io.error(outcome.failed);
    }
  } catch (error) {
    process.exitCode = 1;
    io.error(describeFailure(error));
  }
}

function describeFailure(error: unknown): string {
  if (isUserError(error)) return error.message;
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return `Non-error thrown: ${String(error)}`;
}
