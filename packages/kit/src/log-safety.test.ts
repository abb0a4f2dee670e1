import { describe, expect, it, vi } from "vitest";
import { actionsIO, consoleIO } from "./io.ts";
import { logSafe, stripAnsi } from "./log-safety.ts";

/**
 * The commands a runner would execute from this log, read as the runner reads it: a line that
 * starts with `::name` is a command, except between `::stop-commands::<token>` and `::<token>::`.
 */
function commandsRun(log: string): string[] {
  const run: string[] = [];
  let paused: string | undefined;
  for (const line of log.split(/\r?\n/)) {
    const match = /^\s*::([a-z-]+)(?: [^:]*)?::(.*)$/i.exec(line);
    const name = /^\s*::([^:]+)::/.exec(line)?.[1];
    if (paused !== undefined) {
      if (name === paused) paused = undefined;
      continue;
    }
    if (!match) continue;
    if (match[1] === "stop-commands") paused = match[2];
    else run.push(line.trim());
  }
  return run;
}

const ATTACK = [
  "src/app.js: finding",
  "::add-mask::ghs_token",
  "::set-output name=decision::pass",
  "  ::error file=app.js::forged",
  "\u001b[2K\u001b[1Aall clear \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007",
].join("\n");

function captureStdout(fn: () => void): string {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return chunks.join("");
}

describe("the log carries no workflow command from untrusted text", () => {
  it("attack: forged commands and ANSI escapes in an info line run nothing (before: three commands ran)", () => {
    expect(commandsRun(ATTACK)).toHaveLength(3); // the attack works on a raw write
    const log = captureStdout(() => actionsIO().info(ATTACK));
    expect(commandsRun(log)).toEqual([]);
    expect(log).toContain("::set-output name=decision::pass"); // shown verbatim, not run
    expect(log.includes("\u001b")).toBe(false);
  });

  it("annotations escape their message and properties, so a newline cannot start a command", () => {
    const io = actionsIO();
    const log = captureStdout(() => {
      io.warning(ATTACK, { file: "a.js\n::set-output name=x::y", title: "t\n::add-mask::z" });
      io.error(ATTACK);
    });
    expect(commandsRun(log).map((c) => /^::(\w+)/.exec(c)?.[1])).toEqual(["warning", "error"]);
    expect(log.includes("\u001b")).toBe(false);
  });

  it("the CLI's lines are as safe, since it may run in a workflow step", () => {
    const lines: string[] = [];
    const io = consoleIO({
      stream: { write: (t: string) => lines.push(t) } as unknown as NodeJS.WritableStream,
    });
    io.info(ATTACK);
    io.warning(ATTACK, { file: "x.js" });
    expect(commandsRun(lines.join(""))).toEqual([]);
  });

  it("leaves ordinary text alone (positive control)", () => {
    expect(logSafe("Wrote out/sast.sarif: 3 new findings (50% of all)")).toBe(
      "Wrote out/sast.sarif: 3 new findings (50% of all)",
    );
    expect(stripAnsi("plain")).toBe("plain");
    const log = captureStdout(() => actionsIO().info("line one\nline two"));
    expect(log).toBe("line one\nline two\n");
  });

  it("a pause cannot be ended by the text itself: the token is random", () => {
    const first = logSafe("::x::");
    const second = logSafe("::x::");
    expect(first).not.toBe(second);
  });
});
