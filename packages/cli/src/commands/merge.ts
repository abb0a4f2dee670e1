import { mergeSarifFiles } from "@secflow/sarif";
import { parse } from "../args.ts";
import { EXIT, type Terminal, UsageError } from "../terminal.ts";

export const usage = `secflow merge FILE... --output FILE

Merges SARIF files into one, keeping each run apart (one code scanning category per run) and
refusing two runs with one category. What does not fit GitHub's limits is trimmed by severity, or
split into FILE, FILE-2.sarif, …, with a warning.`;

export async function mergeCommand(args: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parse(args, { output: { type: "string", short: "o" } });
  if (values.help) {
    term.out(usage);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError("name the SARIF files to merge");
  if (!values.output) throw new UsageError("--output FILE is required");
  // Streamed: inputs of any size are merged in bounded memory.
  const { written, runs, warnings } = await mergeSarifFiles(positionals, values.output);
  for (const warning of warnings) term.err(`warning: ${warning}`);
  term.out(`merged ${positionals.length} files, ${runs} runs → ${written.join(", ")}`);
  return EXIT.ok;
}
