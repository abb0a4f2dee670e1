import { main } from "../src/main.ts";
import type { Terminal } from "../src/terminal.ts";

/** Runs one `secflow` command line in-process and collects what it prints. */
export async function secflow(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const term: Terminal = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: options.env ?? { PATH: process.env.PATH },
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await main(args, term);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}
