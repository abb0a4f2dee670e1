// Not the package's index: that would load the schema validators and the CVSS calculator too.
import { baselineFiles } from "@secflow/sarif/baseline-file";
import { parse } from "../args.ts";
import { EXIT, type Terminal, UsageError } from "../terminal.ts";

export const usage = `secflow baseline --base FILE --head FILE --output FILE [--absent] [--rename OLD=NEW]...

Marks every result of the head log new, unchanged or updated against the base log, matching on
rule, file and flagged code so that moved code stays unchanged.

  --absent           also list base results the head no longer has (baselineState "absent")
  --rename OLD=NEW   a file renamed between base and head (repeatable)`;

export async function baselineCommand(args: string[], term: Terminal): Promise<number> {
  const { values } = parse(
    args,
    {
      base: { type: "string" },
      head: { type: "string" },
      output: { type: "string", short: "o" },
      absent: { type: "boolean" },
      rename: { type: "string", multiple: true },
    },
    false,
  );
  if (values.help) {
    term.out(usage);
    return EXIT.ok;
  }
  for (const name of ["base", "head", "output"] as const) {
    if (!values[name]) throw new UsageError(`--${name} FILE is required`);
  }
  const renames = new Map(
    (values.rename ?? []).map((pair) => {
      const [from, to] = pair.split("=");
      if (!from || !to) throw new UsageError(`--rename ${pair}: write OLD=NEW`);
      return [from, to] as const;
    }),
  );
  const counts = await baselineFiles(
    { base: values.base as string, head: values.head as string, output: values.output as string },
    { renames, includeAbsent: values.absent },
  );
  term.out(
    `${counts.new} new, ${counts.unchanged} unchanged, ${counts.updated} updated, ${counts.absent} absent → ${values.output}`,
  );
  return EXIT.ok;
}
