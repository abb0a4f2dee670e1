import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTool, which } from "./tool.ts";

const node = process.execPath;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "secflow-tool-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runTool", () => {
  it("returns exit code and output without throwing on a non-zero exit", async () => {
    const result = await runTool({
      tool: node,
      args: ["-e", "process.stdout.write('found'); process.stderr.write('warn'); process.exit(1)"],
      cwd: dir,
    });
    expect(result).toEqual({ exitCode: 1, stdout: "found", stderr: "warn" });
  });

  it("passes arguments as data, never through a shell", async () => {
    const args = ["$(touch pwned)", "; touch pwned2", "a b", "'q\"", "`touch pwned3`"];
    const result = await runTool({
      tool: node,
      args: ["-e", "console.log(JSON.stringify(process.argv.slice(1)))", ...args],
      cwd: dir,
    });
    expect(JSON.parse(result.stdout)).toEqual(args);
    for (const file of ["pwned", "pwned2", "pwned3"]) {
      expect(existsSync(path.join(dir, file))).toBe(false);
    }
  });

  it("writes input to stdin and adds env to the environment", async () => {
    const result = await runTool({
      tool: node,
      args: [
        "-e",
        "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(s+process.env.SECFLOW_X))",
      ],
      cwd: dir,
      input: "héllo ",
      env: { SECFLOW_X: "set" },
    });
    expect(result.stdout.trim()).toBe("héllo set");
  });

  it("names a missing tool and how to install it", async () => {
    const error = await runTool({
      tool: "secflow-no-such-tool",
      args: [],
      cwd: dir,
      installHint: "pip install secflow-no-such-tool",
    }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toBe(
      "secflow-no-such-tool is not installed (pip install secflow-no-such-tool).",
    );
  });

  it("reports a missing working directory as such, not as a missing tool", async () => {
    const error = await runTool({ tool: node, args: [], cwd: path.join(dir, "nope") }).catch(
      (e: unknown) => e,
    );
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/directory .*nope does not exist/);
  });

  it("stops a tool that runs past the timeout and shows its last error output", async () => {
    const started = Date.now();
    const error = await runTool({
      tool: node,
      args: ["-e", "console.error('scanning big.js'); setInterval(() => {}, 1000)"],
      cwd: dir,
      timeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/did not finish within 300 ms/);
    expect((error as Error).message).toMatch(/scanning big\.js/);
  });

  it("stops a tool whose output exceeds the cap", async () => {
    const error = await runTool({
      tool: node,
      // Write, wait for the pipe to drain, write again: a tool that never stops talking.
      args: ["-e", "const b='x'.repeat(65536); const w=()=>process.stdout.write(b,w); w()"],
      cwd: dir,
      maxOutputBytes: 1024 * 1024,
    }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/more than 1 MiB to stdout/);
  });
});

describe("which", () => {
  it("finds an executable on PATH and not a missing one", async () => {
    const env = { PATH: path.dirname(node) };
    expect(await which(path.basename(node), env)).toBe(node);
    expect(await which("secflow-no-such-tool", env)).toBeUndefined();
  });

  it("accepts a path and rejects a non-executable file", async () => {
    expect(await which(node)).toBe(node);
    expect(await which(path.join(dir, "nothing"))).toBeUndefined();
  });
});
