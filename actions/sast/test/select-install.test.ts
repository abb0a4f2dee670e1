import { chmod, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { consoleIO, which } from "@secflow/kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installTools } from "../src/install-tools.ts";
import { selectTools, toolRequest } from "../src/select-tools.ts";
import { tempTree } from "./helpers.ts";

const FILES = ["web/app.js", "jobs/etl.py", "native/copy.c", "README.md"];

describe("choosing tools", () => {
  let bin: Awaited<ReturnType<typeof tempTree>>;
  let bare: Record<string, string | undefined>;
  beforeAll(async () => {
    // A runner with node and git but none of the Python tools.
    bin = await tempTree({});
    await symlink(process.execPath, path.join(bin.dir, "node"));
    await symlink((await which("git")) as string, path.join(bin.dir, "git"));
    bare = { PATH: bin.dir, HOME: bin.dir };
  });
  afterAll(() => bin.cleanup());

  it("auto runs what the files need and what is installed, saying why it skips the rest", async () => {
    const selection = await selectTools(
      { kind: "auto" },
      { files: FILES, env: process.env, installTools: false, semgrepHasRules: false },
    );
    expect(selection.run).toEqual(["eslint", "bandit", "flawfinder"]);
    expect(selection.skipped).toEqual([
      {
        tool: "semgrep",
        reason: "the repository has no Semgrep rules (.semgrep.yml, or --config in sast.args.semgrep)",
        warn: false,
      },
    ]);
    const js = await selectTools(
      { kind: "auto" },
      { files: ["a.ts"], env: process.env, installTools: false, semgrepHasRules: false },
    );
    expect(js.skipped.map((s) => `${s.tool}: ${s.reason}`)).toEqual([
      "bandit: no Python files",
      "flawfinder: no C or C++ files",
      "semgrep: the repository has no Semgrep rules (.semgrep.yml, or --config in sast.args.semgrep)",
    ]);
  });

  it("auto warns about a tool the repository needs but the runner lacks", async () => {
    const selection = await selectTools(
      { kind: "auto" },
      { files: FILES, env: bare, installTools: false, semgrepHasRules: true },
    );
    expect(selection.run).toEqual(["eslint"]);
    expect(selection.skipped.filter((s) => s.warn).map((s) => s.reason)).toEqual([
      "Python files were found but bandit is not installed (pip install bandit, or set install-tools: true)",
      "C or C++ files were found but flawfinder is not installed (pip install flawfinder, or set install-tools: true)",
      "Semgrep rules were found but semgrep is not installed (pip install semgrep, or set install-tools: true)",
    ]);
  });

  it("takes the input first, then secflow.yml, then auto (none when importing)", () => {
    expect(toolRequest({ kind: "none" }, ["bandit"], false)).toEqual({ kind: "none" });
    expect(toolRequest(undefined, ["bandit"], true)).toEqual({ kind: "list", tools: ["bandit"] });
    expect(toolRequest(undefined, undefined, true)).toEqual({ kind: "none" });
    expect(toolRequest(undefined, [], false)).toEqual({ kind: "auto" });
  });

  // PyPI is not reachable from the test machines, so pipx is a stand-in executable here: it
  // records its arguments and links the system's bandit into ~/.local/bin as pipx would.
  it("install-tools installs missing tools with pipx at pinned versions and puts them on PATH", async () => {
    const home = path.join(bin.dir, "home");
    await mkdir(home);
    const pipx = path.join(bin.dir, "pipx");
    await writeFile(
      pipx,
      `#!/usr/bin/env node
const fs = require("node:fs"), path = require("node:path");
fs.appendFileSync(path.join(process.env.HOME, "pipx.log"), JSON.stringify(process.argv.slice(2)) + "\\n");
const name = process.argv[3].split("==")[0];
const dir = path.join(process.env.HOME, ".local", "bin");
fs.mkdirSync(dir, { recursive: true });
fs.symlinkSync("/usr/bin/" + name, path.join(dir, name));
`,
    );
    await chmod(pipx, 0o755);
    const env = { ...bare, HOME: home };
    const selection = await selectTools(
      { kind: "list", tools: ["bandit", "flawfinder"] },
      { files: FILES, env, installTools: true, semgrepHasRules: false },
    );
    expect(selection.install).toEqual(["bandit", "flawfinder"]);
    const io = consoleIO({ stream: new PassThrough() });
    const installed = await installTools(selection.install, env, io);
    expect(await readFile(path.join(home, "pipx.log"), "utf8")).toBe(
      '["install","bandit==1.7.10"]\n["install","flawfinder==2.0.19"]\n',
    );
    expect(await which("bandit", installed)).toBe(path.join(home, ".local", "bin", "bandit"));
    expect(await which("bandit", env)).toBeUndefined();
  });
});
