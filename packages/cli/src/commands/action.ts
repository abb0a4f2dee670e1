import { resolve } from "node:path";
import { consoleIO, inputs, recordInputSource, type StepOutcome } from "@secflow/kit";
import { type ActionSpec, defaultInputs, readActionSpec } from "../action-spec.ts";
import { parse } from "../args.ts";
import { eventNameOf } from "../event-name.ts";
import { EXIT, type Terminal } from "../terminal.ts";
import { lineStream } from "./line-stream.ts";

/** What every action's src/run.ts exports (docs/action-contract.md). */
export interface ActionModule {
  readOptions(read: ReturnType<typeof inputs>, env: NodeJS.ProcessEnv): unknown;
  run(options: never, io: ReturnType<typeof consoleIO>): Promise<StepOutcome>;
}

export interface ActionCommand {
  /** Folder under actions/. */
  folder: string;
  load: () => Promise<ActionModule>;
}

/**
 * Runs an action locally with the same code as on a runner: flags are the action's inputs
 * (`--fail-on high` is the input `fail-on`), defaults come from its action.yml, and
 * `--event FILE` stands for the runner's GITHUB_EVENT_PATH.
 */
export async function actionCommand(
  command: string,
  action: ActionCommand,
  args: string[],
  term: Terminal,
): Promise<number> {
  const spec = await readActionSpec(action.folder);
  // A repeated flag gives a list input its lines: `--sarif a.sarif --sarif b.sarif`.
  const flags = Object.fromEntries(
    Object.keys(spec.inputs).map((name) => [name, { type: "string" as const, multiple: true }]),
  );
  const { values } = parse(args, { ...flags, event: { type: "string" }, summary: { type: "string" } }, false);
  if (values.help) {
    term.out(usage(command, spec));
    return EXIT.ok;
  }

  const {
    event,
    summary,
    help: _help,
    ...given
  } = values as Record<string, string | string[] | boolean | undefined>;
  const env: NodeJS.ProcessEnv = {
    ...term.env,
    GITHUB_WORKSPACE: term.env.GITHUB_WORKSPACE ?? term.cwd,
  };
  if (typeof event === "string") {
    env.GITHUB_EVENT_PATH = resolve(term.cwd, event);
    env.GITHUB_EVENT_NAME ??= await eventNameOf(env.GITHUB_EVENT_PATH);
  }
  const record = { ...defaultInputs(spec) };
  for (const [name, value] of Object.entries(given))
    if (Array.isArray(value)) record[name] = value.join("\n");
  const io = consoleIO({
    stream: lineStream(term.err),
    ...(typeof summary === "string" ? { summaryFile: resolve(term.cwd, summary) } : {}),
  });
  const module = await action.load();
  const outcome = await module.run(module.readOptions(inputs(recordInputSource(record)), env) as never, io);
  for (const [name, value] of Object.entries(io.outputs)) term.out(`${name}: ${value}`);
  if (outcome.failed) term.err(`failed: ${outcome.failed}`);
  // The step's outcome on a runner, for the same inputs: failed exactly when run() says so.
  return outcome.failed ? EXIT.failed : EXIT.ok;
}

function usage(command: string, spec: ActionSpec): string {
  const width = Math.max(...Object.keys(spec.inputs).map((n) => n.length), 5) + 4;
  const lines = Object.entries(spec.inputs).map(([name, input]) => {
    const text = input.description.replace(/\s+/g, " ").trim();
    const fallback =
      input.default !== undefined && input.default !== "" ? ` (default: ${input.default})` : "";
    return `  --${name.padEnd(width)}${text}${fallback}`;
  });
  return [
    `secflow ${command} [--<input> VALUE]...`,
    "",
    spec.description.trim(),
    "",
    "Inputs, as in action.yml:",
    ...lines,
    `  --${"event".padEnd(width)}a GitHub event payload file, as the runner's GITHUB_EVENT_PATH`,
    `  --${"summary".padEnd(width)}write the job summary (markdown) to this file instead of the terminal`,
    "",
    `Outputs: ${Object.keys(spec.outputs).join(", ")}`,
  ].join("\n");
}
