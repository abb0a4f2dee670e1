// baseline ref reads at the merge base only the lockfiles whose reading would read something
// different there: one whose every input (itself, the manifest beside it, the shrinkwrap looked
// for) is the same blob at both commits is parsed once, at the head, and its head parse stands
// for the base. The results must be those of parsing it at the base too, and the run says which
// lockfiles it read where (properties.secflow.lockfilesRead), so a regression fails here.

import { appendFile, cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURES } from "./helpers.ts";
import { scan, states, where } from "./scan.ts";
import { type Workspace, workspace } from "./workspace.ts";

const OSV_DB = path.join(FIXTURES, "osv");
const made: Workspace[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((w) => w.cleanup()));
});

/**
 * main: web, api and docs from the npm-v3 fixtures, tools from npm-v1; feature (checked out)
 * bumps web's lockfile and edits only the package.json of tools (a v1 lockfile reads it for its
 * direct dependencies) and of docs (a v3 lockfile does not). `touchApiAtBase` adds a newline to api's lockfile at the
 * base only: the same parse from a different blob, so it must be read at the base.
 */
async function repository(touchApiAtBase: boolean): Promise<Workspace> {
  const ws = await workspace();
  made.push(ws);
  await ws.copy("npm-v3-base", "web");
  await ws.copy("npm-v3", "api");
  await ws.copy("npm-v1", "tools");
  await ws.copy("npm-v3", "docs");
  if (touchApiAtBase) await appendFile(path.join(ws.dir, "api/package-lock.json"), "\n");
  await ws.commit("base");
  await ws.git("checkout", "-q", "-b", "feature");
  await ws.copy("npm-v3", "web");
  if (touchApiAtBase)
    await cp(path.join(FIXTURES, "npm-v3/package-lock.json"), path.join(ws.dir, "api/package-lock.json"));
  const manifest = path.join(ws.dir, "tools/package.json");
  await writeFile(
    manifest,
    (await readFile(manifest, "utf8")).replace('"version": "1.0.0"', '"version": "1.1.0"'),
  );
  await ws.commit("feature: bump web, tools' manifest");
  return ws;
}

const HEAD = [
  "api/package-lock.json",
  "docs/package-lock.json",
  "tools/package-lock.json",
  "web/package-lock.json",
];

function readsOf(log: { runs: { properties?: Record<string, unknown> }[] }) {
  return (log.runs[0]?.properties?.secflow as { lockfilesRead?: unknown }).lockfilesRead;
}

describe("baseline ref: lockfiles unchanged since the merge base are parsed once", () => {
  it("parses at the base only what changed, with the results of parsing everything", async () => {
    const reused = await repository(false);
    const reference = await repository(true);
    const flags = { "osv-db": OSV_DB, baseline: "ref", base: "main" };
    const fast = await scan(reused.dir, flags);
    const full = await scan(reference.dir, flags);

    expect(readsOf(fast.log)).toEqual({
      head: HEAD,
      // tools' lockfile is the same blob, but its reading reads the package.json the change edits.
      base: ["tools/package-lock.json", "web/package-lock.json"],
      unchangedAtBase: ["api/package-lock.json", "docs/package-lock.json"],
    });
    expect(readsOf(full.log)).toEqual({
      head: HEAD,
      base: ["api/package-lock.json", "tools/package-lock.json", "web/package-lock.json"],
      unchangedAtBase: ["docs/package-lock.json"],
    });
    // The same results, states and fingerprints, whether api was parsed at the base or not.
    // Compared as sets, and without ruleIndex: the order of results and rules in the log (which
    // follows the order advisories arrive in) is not what this test is about.
    const sorted = (results: typeof fast.results) =>
      results.map(({ ruleIndex: _, ...r }) => JSON.stringify(r)).sort();
    expect(sorted(fast.results)).toEqual(sorted(full.results));
    const { "sarif-file": _fast, ...fastCounts } = fast.io.outputs;
    const { "sarif-file": _full, ...fullCounts } = full.io.outputs;
    expect(fastCounts).toEqual(fullCounts);
    const api = fast.results.filter((r) => where(r).startsWith("api/"));
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((r) => r.baselineState === "unchanged")).toBe(true);
    expect(states(fast.results.filter((r) => where(r).startsWith("web/")))).toEqual([
      "GHSA-35jh-r3h4-6jhm 4.17.15 updated",
      "GHSA-p6mc-m468-83gw 4.17.15 new",
      "GHSA-xvch-5gv4-984h 0.0.10 updated",
      "GHSA-xvch-5gv4-984h 0.0.8 unchanged",
      "GHSA-xvch-5gv4-984h 1.2.5 new",
    ]);
  });

  it("a lockfile committed unchanged but edited in the checkout is read at the base", async () => {
    const ws = await workspace();
    made.push(ws);
    await ws.copy("npm-v3", "cli");
    await ws.commit("base");
    await ws.git("checkout", "-q", "-b", "feature");
    await ws.commit("feature: nothing yet", { "README.md": "x\n" });
    // A step before the scan rewrote the lockfile (an install): the head is what the checkout holds.
    await ws.copy("npm-v3-base", "cli");
    const { log, results } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "ref", base: "main" });
    expect(readsOf(log)).toEqual({
      head: ["cli/package-lock.json"],
      base: ["cli/package-lock.json"],
      unchangedAtBase: [],
    });
    // 4.17.20 in the checkout, 4.17.15 at the base: an updated finding, not an unchanged one.
    expect(states(results)).toContain("GHSA-35jh-r3h4-6jhm 4.17.20 updated");
  });

  it("a full scan records the head's lockfiles only", async () => {
    const ws = await repository(false);
    const { log } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none" });
    expect(readsOf(log)).toEqual({ head: HEAD });
  });
});
