import { execFileSync } from "node:child_process";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { isNew } from "@secflow/kit";
import type { Sarif } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventEnvFor, runSast, tempRepo } from "./helpers.ts";

// What changed scope saves must not change what it finds. A real repository, real Bandit; a
// `bandit` on PATH that records each invocation and runs the real one.
const REAL_BANDIT = execFileSync("sh", ["-c", "command -v bandit"], { encoding: "utf8" }).trim();
const BASE = {
  "jobs/etl.py": ["import pickle", "", "def load(blob):", "    return pickle.loads(blob)", ""].join("\n"),
  "vendor/lib.py": "import pickle\n",
  "tests/test_old.py": "import pickle\n",
};
const HEAD = {
  "jobs/etl.py": [
    ...BASE["jobs/etl.py"].split("\n").slice(0, -1),
    "def run(text):",
    "    return eval(text)",
    "",
  ].join("\n"),
  "tests/test_new.py": "import subprocess\n",
};

describe("changed scope with Bandit", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let prEnv: Record<string, string | undefined>;
  let calls: string;
  beforeAll(async () => {
    repo = await tempRepo(BASE);
    const base = await repo.commit("base");
    await repo.git("checkout", "-q", "-b", "feature");
    const head = await repo.commit("feature", HEAD);
    const bin = path.join(repo.dir, ".git", "bin");
    calls = path.join(repo.dir, ".git", "bandit-calls");
    await mkdir(bin);
    const shim = path.join(bin, "bandit");
    await writeFile(shim, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${calls}'\nexec '${REAL_BANDIT}' "$@"\n`);
    await chmod(shim, 0o755);
    prEnv = await eventEnvFor(
      repo.dir,
      "pull_request",
      { base, head },
      { PATH: `${bin}:${process.env.PATH}` },
    );
  }, 60_000);
  afterAll(() => repo.cleanup());

  const scans = async () =>
    (await readFile(calls, "utf8").catch(() => "")).split("\n").filter((line) => line.startsWith("-f json"));
  const newFindings = async (file: string) => {
    const log = JSON.parse(await readFile(path.join(repo.dir, file), "utf8")) as Sarif.Log;
    return log.runs.flatMap((run) => (run.results ?? []).filter(isNew).map((r) => r.ruleId));
  };

  it("reads the head's files and their earlier versions in one Bandit run, and finds what two runs find", async () => {
    await writeFile(calls, "");
    const { log } = await runSast({ tools: "bandit", output: "one.sarif" }, prEnv);
    const [scan, ...more] = await scans();
    expect(more).toEqual([]);
    // The head's file by its repository path, its earlier version in the base folder.
    expect(scan).toContain("./jobs/etl.py");
    expect(scan).toMatch(/ \/\S+\/tree\/jobs\/etl\.py/);
    // Only the eval is new: the pickle findings were there before (found in the base's version).
    expect(await newFindings("one.sarif")).toEqual(["B307"]);
    // The summary counts the change's files left alone, not the repository's (vendor/, tests/test_old.py).
    expect(log()).toContain("Not scanned by default: 1 test file(s)");
    expect(log()).toContain("`tests/test_new.py` (test)");
    expect(log()).not.toContain("vendored");
  });

  it("runs Bandit apart on each when sast.args.bandit is set (a config could read the paths otherwise)", async () => {
    await repo.write({ ".github/secflow.yml": "sast:\n  args:\n    bandit: ['-n', '3']\n" });
    await repo.git("add", "-A");
    await repo.git("commit", "-q", "-m", "config");
    await writeFile(calls, "");
    await runSast({ tools: "bandit", output: "two.sarif" }, prEnv);
    const runs = await scans();
    expect(runs).toHaveLength(2);
    expect(await newFindings("two.sarif")).toEqual(["B307"]);
  });
});
