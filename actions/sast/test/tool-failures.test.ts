import { chmod, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { which } from "@secflow/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBandit } from "../src/adapters/bandit.ts";
import { runFlawfinder } from "../src/adapters/flawfinder.ts";
import { runSemgrep } from "../src/adapters/semgrep.ts";
import { contextOf, tempTree } from "./helpers.ts";

// Broken tools are stand-in executables on PATH: a real Bandit does not crash on demand.
async function standIn(dir: string, name: string, body: string): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/usr/bin/env node\n${body}\n`);
  await chmod(file, 0o755);
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isUserError(error)).toBe(true);
  return (error as Error).message;
}

describe("a tool that fails", () => {
  let tree: Awaited<ReturnType<typeof tempTree>>;
  let bin: Awaited<ReturnType<typeof tempTree>>;
  let context: Awaited<ReturnType<typeof contextOf>>;
  beforeAll(async () => {
    tree = await tempTree({ "a.py": "import pickle\n", "b.c": "void f(void) {}\n" });
    bin = await tempTree({});
    await symlink(process.execPath, path.join(bin.dir, "node"));
    context = { ...(await contextOf(tree.dir)), env: { PATH: bin.dir } };
  });
  afterAll(async () => {
    await tree.cleanup();
    await bin.cleanup();
  });

  it("is missing: names it and how to install it", async () => {
    expect(await failure(runFlawfinder(context))).toBe(
      "flawfinder is not installed (pip install flawfinder, or set install-tools: true).",
    );
  });

  it("crashes: names it, with its exit code and stderr tail", async () => {
    await standIn(
      bin.dir,
      "bandit",
      'if (process.argv[2] === "--version") { console.log("bandit 9.9"); process.exit(0); }\nconsole.error("Traceback (most recent call last):\\nKeyError: \'B999\'");\nprocess.exit(2);',
    );
    expect(await failure(runBandit(context))).toBe(
      "bandit failed (exit code 2). Last lines of its stderr:\nTraceback (most recent call last):\nKeyError: 'B999'",
    );
  });

  it("prints garbage: names it and shows what it printed", async () => {
    await standIn(bin.dir, "flawfinder", 'console.log("Flawfinder version 2.0.19\\nNo hits found.");');
    expect(await failure(runFlawfinder(context))).toBe(
      'flawfinder printed output that is not JSON: "Flawfinder version 2.0.19\\nNo hits found.". It wrote nothing to stderr.',
    );
    await standIn(
      bin.dir,
      "bandit",
      'if (process.argv[2] === "--version") { console.log("bandit 9.9"); process.exit(0); }\nconsole.log("Run started");',
    );
    expect(await failure(runBandit(context))).toBe(
      'bandit printed output that is not JSON: "Run started". It wrote nothing to stderr.',
    );
  });

  it("times out: names it and says it was stopped", async () => {
    await standIn(bin.dir, "flawfinder", "setTimeout(() => {}, 10_000);");
    expect(await failure(runFlawfinder({ ...context, timeoutMs: 300 }))).toMatch(
      /^flawfinder did not finish within 300 ms and was stopped\./,
    );
  });

  it("has nothing to run (Semgrep without rules): says where rules go", async () => {
    expect(await failure(runSemgrep(context))).toBe(
      "Semgrep has no rules to run: add .semgrep.yml to the repository, or give them in secflow.yml (sast.args.semgrep: [--config, <rules>]).",
    );
  });

  it("exits non-zero because it found something: not an error", async () => {
    const report = await runBandit({
      ...context,
      env: { PATH: path.dirname((await which("bandit")) as string) },
    });
    expect(report.findings.map((f) => f.ruleId)).toEqual(["B403"]);
  });
});
