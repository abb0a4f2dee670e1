// Where sca works and what it reads: the kit's workspace (any folder from the CLI, only inside
// GITHUB_WORKSPACE on a runner; paths relative to the repository root), the kit's one reader of
// repository files (never through a symlink out of the repository), and the one config loader.

import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURES } from "./helpers.ts";
import { scan, where } from "./scan.ts";
import { type Workspace, workspace } from "./workspace.ts";

const OSV_DB = path.join(FIXTURES, "osv");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function repo(): Promise<Workspace> {
  const ws = await workspace();
  cleanups.push(ws.cleanup);
  return ws;
}

async function outsideFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "sca-outside-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("symbolic links", () => {
  it.runIf(existsSync("/proc/self/environ"))(
    "a lockfile linked out of the repository is not read, and is listed as not checked",
    async () => {
      const ws = await repo();
      const outside = await outsideFolder();
      const canary = "canary-7f3a9c1e";
      await writeFile(path.join(outside, "requirements.txt"), `requests==2.28.2\n# SECRET_TOKEN=${canary}\n`);
      await ws.copy("poetry", "app");
      await symlink("/proc/self/environ", path.join(ws.dir, "requirements.txt"));
      await ws.write({ "api/.keep": "" });
      await symlink(path.join(outside, "requirements.txt"), path.join(ws.dir, "api", "requirements.txt"));
      // A manifest beside a lockfile is read with it, through the same reader.
      await ws.write({ "app/pyproject.toml": null });
      await symlink(path.join(outside, "requirements.txt"), path.join(ws.dir, "app", "pyproject.toml"));
      await ws.commit("links");
      const run = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none" });

      // Nothing was read through the links: no findings from them, and none of their text anywhere.
      expect(run.results).toEqual([]);
      const everything = [run.printed, run.text, run.io.summary, JSON.stringify(run.io.annotations)];
      for (const text of everything) expect(text).not.toContain(canary);
      const environ = readFileSync("/proc/self/environ", "utf8").split("\0");
      for (const entry of environ.filter((e) => /^[A-Z_]+=.{8,}/.test(e)))
        for (const text of everything) expect(text).not.toContain(entry);

      expect(run.io.summary).toContain("> **Incomplete: 3 item(s) were not checked.**");
      expect(run.io.summary).toMatch(
        /> - requirements\.txt: requirements\.txt is a symbolic link that leads out of the repository; secflow does not read through it\. Replace the link with the file itself\. None of its packages were checked\./,
      );
      expect(run.io.summary).toMatch(/> - api\/requirements\.txt: api\/requirements\.txt is a symbolic link/);
      expect(run.io.summary).toMatch(/> - app\/poetry\.lock: app\/pyproject\.toml is a symbolic link/);
      expect(run.io.annotations).toContainEqual({
        level: "warning",
        message: "The scan is incomplete: 3 item(s) could not be checked; the job summary lists them.",
      });
      // No lockfile could be read, yet the PyPI run exists and says so; the step fails.
      expect(
        run.log.runs.map((r) => [r.automationDetails?.id, r.invocations?.[0]?.executionSuccessful]),
      ).toEqual([["secflow/sca/pypi/", false]]);
      expect(run.outcome.failed).toMatch(
        /^The scan is incomplete: \S+ was not checked: \S+ is a symbolic link .*\(and 2 more, listed in the job summary\)/,
      );
    },
  );

  it("a lockfile linked to a file inside the repository is read (positive control)", async () => {
    const ws = await repo();
    await ws.copy("npm-v3/package-lock.json", "vendor/locks/web.json");
    await ws.write({ "web/.keep": "" });
    await symlink("../vendor/locks/web.json", path.join(ws.dir, "web", "package-lock.json"));
    await ws.commit("link inside");
    const { results, io } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none" });
    expect(results).toHaveLength(5);
    expect(results.every((r) => where(r).startsWith("web/package-lock.json:"))).toBe(true);
    expect(io.summary).not.toContain("Incomplete");
  });
});

describe("path", () => {
  it("scans any folder from the command line, with paths relative to its repository root", async () => {
    const ws = await repo();
    await ws.commit("the workspace the CLI runs in");
    const other = await repo();
    await other.copy("npm-v3", "services/web");
    await other.copy("poetry", "services/api");
    await other.write({ ".github/secflow.yml": "ignore-paths: [services/api/**]\n" });
    await other.commit("another repository");
    const { results, io } = await scan(ws.dir, {
      "osv-db": OSV_DB,
      baseline: "none",
      path: path.join(other.dir, "services"),
    });
    // Relative to the repository root, not the folder scanned; its config applies.
    expect(results.map(where).every((w) => w.startsWith("services/web/package-lock.json:"))).toBe(true);
    expect(results).toHaveLength(5);
    expect(io.outputs["sarif-file"]).toBe(path.join(ws.dir, "out", "sca.sarif"));
  });

  it("on a runner, refuses a folder outside GITHUB_WORKSPACE", async () => {
    const ws = await repo();
    const outside = await outsideFolder();
    await expect(
      scan(ws.dir, { "osv-db": OSV_DB, path: outside }, { GITHUB_ACTIONS: "true" }),
    ).rejects.toThrow(
      /Input "path": .* is outside the workspace .*; on a runner give a folder inside the checkout/,
    );
  });

  it("a subfolder: its lockfiles only, at repository-relative paths", async () => {
    const ws = await repo();
    await ws.copy("npm-v3", "web");
    await ws.copy("poetry", "api");
    await ws.commit("project");
    const { results, log } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none", path: "web" });
    expect(log.runs.map((r) => r.automationDetails?.id)).toEqual(["secflow/sca/npm/"]);
    expect(results.every((r) => where(r).startsWith("web/package-lock.json:"))).toBe(true);
  });
});

describe("config", () => {
  it("a config file named explicitly must exist", async () => {
    const ws = await repo();
    await ws.copy("npm-v3", ".");
    await ws.commit("project");
    await expect(scan(ws.dir, { "osv-db": OSV_DB, config: ".github/sca.yml" })).rejects.toThrow(
      /The configuration file .github\/sca.yml named by the "config" input does not exist; fix the path or leave the input out/,
    );
    // Left out, a missing .github/secflow.yml is the defaults.
    const { outcome } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none" });
    expect(outcome.failed).toBeUndefined();
  });

  it("a config file named explicitly is read, and its fail-on applies", async () => {
    const ws = await repo();
    await ws.copy("npm-v3", ".");
    await ws.write({ "ci/secflow.yml": "sca:\n  fail-on: critical\n" });
    await ws.commit("project");
    const { outcome } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none", config: "ci/secflow.yml" });
    expect(outcome.failed).toMatch(
      /^3 new finding\(s\) of severity critical or higher \(fail-on: critical\)/,
    );
    // The input wins over the file.
    const input = await scan(ws.dir, {
      "osv-db": OSV_DB,
      baseline: "none",
      config: "ci/secflow.yml",
      "fail-on": "none",
    });
    expect(input.outcome.failed).toBeUndefined();
  });
});
