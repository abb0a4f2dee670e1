import { execFileSync } from "node:child_process";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBandit } from "../src/adapters/bandit.ts";
import { interpreterOf, pythonToolVersion } from "../src/python-version.ts";
import { contextOf, tempTree } from "./helpers.ts";

// What `bandit --version` says, the way sast asked before: the reference for the cheaper way.
const BANDIT_VERSION = /bandit\s+(\S+)/.exec(
  execFileSync("bandit", ["--version"], { encoding: "utf8" }),
)?.[1];
const PYTHON3 = execFileSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).trim();

describe("a Python tool's version from its interpreter's metadata", () => {
  let tree: Awaited<ReturnType<typeof tempTree>>;
  beforeAll(async () => {
    tree = await tempTree({
      // A repository that tries to name the version: importlib.metadata would find this first
      // if the folder it runs in were on sys.path.
      "bandit-99.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: bandit\nVersion: 99.0\n",
      "bandit-99.0.dist-info/RECORD": "",
      "app.py": "import pickle\n",
      // And its own "bandit" package, which would answer for the real one if the folder Bandit
      // runs in were on sys.path: no findings, ever.
      "bandit/__init__.py": "",
      "bandit/cli/__init__.py": "",
      "bandit/cli/main.py":
        'import sys\ndef main():\n    sys.stdout.write(\'{"results": [], "errors": []}\')\n',
    });
  });
  afterAll(() => tree.cleanup());

  it("says what bandit --version says, even run in a repository that holds its own metadata", async () => {
    expect(BANDIT_VERSION).toMatch(/^\d/);
    expect(await pythonToolVersion("bandit", "bandit", { cwd: tree.dir, env: process.env })).toBe(
      BANDIT_VERSION,
    );
    // Bandit runs through its Python (one start says the version too), as its script runs it.
    const report = await runBandit(await contextOf(tree.dir));
    expect(report.tool.version).toBe(BANDIT_VERSION);
    expect(report.findings.map((f) => `${f.ruleId}@${f.path}`)).toContain("B403@app.py");
  });

  it("reads the interpreter from #!, directly or through env, and gives up on anything else", async () => {
    const bin = path.join(tree.dir, "bin");
    await mkdir(bin);
    await symlink(PYTHON3, path.join(bin, "python3"));
    const script = async (name: string, text: string) => {
      const file = path.join(bin, name);
      await writeFile(file, text);
      await chmod(file, 0o755);
      return file;
    };
    const env = { PATH: bin };
    expect(await interpreterOf(await script("direct", `#!${PYTHON3}\nimport x\n`), env)).toBe(PYTHON3);
    expect(await interpreterOf(await script("spaced", `#! ${PYTHON3}\n`), env)).toBe(PYTHON3);
    expect(await interpreterOf(await script("via-env", "#!/usr/bin/env python3\n"), env)).toBe(
      path.join(bin, "python3"),
    );
    // A shell shim (pyenv), options that change what Python reads, a binary: ask the tool itself.
    expect(await interpreterOf(await script("shim", '#!/bin/sh\nexec python3 "$@"\n'), env)).toBeUndefined();
    expect(await interpreterOf(await script("isolated", `#!${PYTHON3} -I\n`), env)).toBeUndefined();
    expect(await interpreterOf(await script("binary", "\u007fELF\u0002"), env)).toBeUndefined();
    // A shim named like the tool gets no version from metadata; the caller falls back.
    await script("bandit", '#!/bin/sh\necho "bandit 0.0.1"\n');
    expect(await pythonToolVersion("bandit", "bandit", { cwd: tree.dir, env })).toBeUndefined();
  });
});
