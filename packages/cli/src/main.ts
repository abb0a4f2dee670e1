import { ACTIONS } from "./commands/actions.ts";
import { EXIT, processTerminal, type Terminal, UsageError } from "./terminal.ts";

type Command = (args: string[], term: Terminal) => Promise<number>;

// Commands load on first use (the bundle is split per command), so that `secflow baseline`
// does not start by loading ESLint, ajv and the actions toolkit: that took half a second.
const COMMANDS: Record<string, Command> = {
  validate: async (args, term) => (await import("./commands/validate.ts")).validateCommand(args, term),
  merge: async (args, term) => (await import("./commands/merge.ts")).mergeCommand(args, term),
  baseline: async (args, term) => (await import("./commands/baseline.ts")).baselineCommand(args, term),
  demo: async (args, term) => (await import("./commands/demo.ts")).demoCommand(args, term),
  ...Object.fromEntries(
    Object.entries(ACTIONS).map(([name, action]) => [
      name,
      async (args: string[], term: Terminal) =>
        (await import("./commands/action.ts")).actionCommand(name, action, args, term),
    ]),
  ),
};

export const usage = `secflow — CI security checks that speak one SARIF profile

Usage: secflow <command> [options]     (secflow <command> --help for its options)

Actions, run locally with the same code as on a runner:
  sast          run or import static analysis and normalize the findings
  sca           find vulnerable and license-denied dependencies
  policy-diff   report privileges a change adds, widens, narrows or removes
  gate          decide pass / review / fail from the other actions' SARIF
  report        the security review Kanban from the gate's evidence (flow-report)

SARIF tools:
  validate      check files against SARIF 2.1.0, the secflow profile and GitHub's rules
  merge         merge SARIF files, one run per category, within GitHub's limits
  baseline      mark head results new / unchanged / updated against a base log

  demo          run all four actions on the example service as a simulated pull request

Exit codes: 0 success (gate: pass), 1 failure or findings over the threshold, 2 usage error.`;

/** Runs one command line; returns the exit code. Errors end as messages, never stack traces. */
export async function main(argv: string[], term: Terminal = processTerminal()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    term.out(usage);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    term.err(`secflow: unknown command "${name}"\n\n${usage}`);
    return EXIT.usage;
  }
  try {
    return await command(args, term);
  } catch (error) {
    const { InputError, isUserError } = await import("@secflow/errors");
    if (error instanceof UsageError || error instanceof InputError) {
      term.err(`secflow ${name}: ${error.message} (see secflow ${name} --help)`);
      return EXIT.usage;
    }
    if (isUserError(error)) {
      term.err(`secflow ${name}: ${error.message}`);
      return EXIT.failed;
    }
    throw error;
  }
}
