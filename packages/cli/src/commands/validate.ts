import { formatIssues, validateSarifFile } from "@secflow/sarif";
import { parse } from "../args.ts";
import { EXIT, type Terminal, UsageError } from "../terminal.ts";

export const usage = `secflow validate FILE... [--no-profile]

Checks SARIF files against the official SARIF 2.1.0 schema, the secflow profile and what GitHub
code scanning rejects. Exits 0 when every file is valid, 1 otherwise, listing each problem.

  --no-profile   check SARIF 2.1.0 and GitHub's rules only (for third-party SARIF)`;

export async function validateCommand(args: string[], term: Terminal): Promise<number> {
  const { values, positionals } = parse(args, { "no-profile": { type: "boolean" } });
  if (values.help) {
    term.out(usage);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError("name at least one SARIF file");
  let invalid = 0;
  for (const file of positionals) {
    // Streamed: a file of any size is checked in bounded memory.
    const result = await validateSarifFile(file, { profile: !values["no-profile"] });
    if (result.valid) {
      term.out(`${file}: valid`);
    } else {
      invalid++;
      term.out(`${file}: ${result.issues.length} problem${result.issues.length === 1 ? "" : "s"}`);
      term.out(indent(formatIssues(result.issues)));
    }
  }
  return invalid === 0 ? EXIT.ok : EXIT.failed;
}

function indent(text: string): string {
  return text.replace(/^/gm, "  ");
}
