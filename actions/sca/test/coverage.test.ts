// Nothing passes unchecked (issue #12): an ecosystem the offline database has no data for, a
// lockfile with merge-conflict markers, a broken all.zip, a failed API query — each is recorded
// in the SARIF run it concerns (executionSuccessful false, a notification), put at the top of the
// summary, and fails the step unless the team chose on-unchecked: warn. Each attack has its
// positive control: a complete scan says it is complete and passes.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { countFindings, isIncomplete, uncheckedOf } from "@secflow/kit";
import { type Sarif, sarifLog, validate } from "@secflow/sarif";
import { zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { parseNpmLock } from "../src/lockfiles/npm.ts";
import { parsePipfileLock } from "../src/lockfiles/pipfile.ts";
import { LockfileError } from "../src/lockfiles/types.ts";
import { summaryMarkdown } from "../src/summary.ts";
import { advisory, FIXTURES } from "./helpers.ts";
import { startOsvServer } from "./osv-server.ts";
import { props, scan } from "./scan.ts";
import { type Workspace, workspace } from "./workspace.ts";

const NPM_ADVISORIES = ["GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw", "GHSA-xvch-5gv4-984h"];
const PYPI_ADVISORY = "GHSA-j8r2-6x86-q33q"; // requests < 2.31.0

/** A PyPI advisory for a package none of the fixtures use: the database has PyPI data. */
const OTHER_PYPI = {
  id: "PYSEC-0000-test",
  affected: [
    {
      package: { ecosystem: "PyPI", name: "not-in-any-lockfile" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.0" }] }],
    },
  ],
};

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

async function advisoryText(id: string): Promise<string> {
  return readFile(path.join(FIXTURES, "osv", `${id}.json`), "utf8");
}

/** An offline database folder in the workspace, with these fixture advisories (and extra records). */
async function writeDb(dir: string, ids: string[], extra: object[] = []): Promise<void> {
  const files: Record<string, string> = {};
  for (const id of ids) files[`${id}.json`] = await advisoryText(id);
  for (const record of extra) files[`${(record as { id: string }).id}.json`] = JSON.stringify(record);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
}

/** osv.dev's all.zip of these advisories. */
async function allZip(ids: string[], extra: object[] = []): Promise<Buffer> {
  const entries: Record<string, Uint8Array> = {};
  for (const id of ids) entries[`${id}.json`] = Buffer.from(await advisoryText(id));
  for (const record of extra)
    entries[`${(record as { id: string }).id}.json`] = Buffer.from(JSON.stringify(record));
  return Buffer.from(zipSync(entries));
}

function runOf(log: Sarif.Log, slug: string): Sarif.Run {
  const run = log.runs.find((r) => r.automationDetails?.id === `secflow/sca/${slug}/`);
  if (!run) throw new Error(`no run secflow/sca/${slug}/ in ${log.runs.map((r) => r.automationDetails?.id)}`);
  return run;
}

const complete = (run: Sarif.Run) => expect(run.invocations).toEqual([{ executionSuccessful: true }]);

describe("an offline database without an ecosystem's advisories", () => {
  it("does not report that ecosystem's packages clean: it is unchecked, and the step fails", async () => {
    ws = await workspace();
    await ws.copy("python-requirements/requirements.txt", "requirements.txt");
    await ws.copy("npm-v3", "web");
    await ws.commit("npm and python");
    await writeDb(path.join(ws.dir, "osv-db"), NPM_ADVISORIES);

    const attack = await scan(ws.dir, { "osv-db": "osv-db", baseline: "none" });
    expect(validate(attack.log)).toEqual({ valid: true, issues: [] });
    const pypi = runOf(attack.log, "pypi");
    expect(isIncomplete(pypi)).toBe(true);
    expect(uncheckedOf(pypi)).toEqual([
      expect.stringMatching(
        /^Not checked: PyPI \(5 packages\): no advisory data for PyPI in osv-db; add osv\.dev's PyPI database \(https:\/\/osv-vulnerabilities\.storage\.googleapis\.com\/PyPI\/all\.zip\) to it$/,
      ),
    ]);
    // The npm run had its data: it is complete, with its findings.
    complete(runOf(attack.log, "npm"));
    expect(attack.results).toHaveLength(5);
    expect(attack.outcome.failed).toMatch(
      /^The scan is incomplete: PyPI \(5 packages\) was not checked: no advisory data for PyPI in osv-db;.*set on-unchecked: warn/,
    );
    // Said at the top of the summary, before any count of findings.
    const summary = attack.io.summary;
    expect(summary).toMatch(/> \*\*Incomplete: 1 item\(s\) were not checked\.\*\*/);
    expect(summary.indexOf("Incomplete")).toBeLessThan(summary.indexOf("vulnerable"));

    // on-unchecked: warn passes the step, and the SARIF still says the run is incomplete.
    const warned = await scan(ws.dir, { "osv-db": "osv-db", baseline: "none", "on-unchecked": "warn" });
    expect(warned.outcome.failed).toBeUndefined();
    expect(isIncomplete(runOf(warned.log, "pypi"))).toBe(true);
    expect(warned.io.annotations).toContainEqual({
      level: "warning",
      message: "The scan is incomplete: 1 item(s) could not be checked; the job summary lists them.",
    });
  });

  it("positive control: a database with the ecosystem (no advisory for these packages) is complete", async () => {
    ws = await workspace();
    await ws.copy("python-requirements/requirements.txt", "requirements.txt");
    await ws.commit("python");
    await writeDb(path.join(ws.dir, "osv-db"), NPM_ADVISORIES, [OTHER_PYPI]);
    const { log, outcome, io, results } = await scan(ws.dir, { "osv-db": "osv-db", baseline: "none" });
    expect(validate(log).valid).toBe(true);
    complete(runOf(log, "pypi"));
    expect(results).toEqual([]);
    expect(outcome.failed).toBeUndefined();
    expect(io.summary).not.toContain("Incomplete");
    // And with the advisory, the package is found.
    await writeDb(path.join(ws.dir, "osv-db"), [PYPI_ADVISORY]);
    const found = await scan(ws.dir, { "osv-db": "osv-db", baseline: "none" });
    expect(found.results.map((r) => `${r.ruleId} ${props(r).installedVersion}`)).toEqual([
      `${PYPI_ADVISORY} 2.28.2`,
    ]);
    complete(runOf(found.log, "pypi"));
  });
});

describe("a lockfile with merge-conflict markers", () => {
  const conflicted = (text: string, at: string) =>
    text.replace(at, `<<<<<<< HEAD\n${at}\n=======\n${at.replace(/\d+"/, '9"')}\n>>>>>>> feature/bump\n`);

  it("is unchecked, with the line, in a run of its ecosystem; never 0 runs and exit 0", async () => {
    ws = await workspace();
    const lock = await readFile(path.join(FIXTURES, "npm-v3", "package-lock.json"), "utf8");
    const text = conflicted(lock, '      "version": "4.17.15",');
    const line = text.split("\n").indexOf("<<<<<<< HEAD") + 1;
    await ws.write({ "web/package-lock.json": text });
    await ws.commit("an unresolved merge");
    const { log, outcome, results, io } = await scan(ws.dir, { "osv-db": FIXTURES_DB, baseline: "none" });
    expect(validate(log).valid).toBe(true);
    expect(results).toEqual([]);
    const npm = runOf(log, "npm");
    expect(isIncomplete(npm)).toBe(true);
    expect(uncheckedOf(npm)).toEqual([
      `Not checked: web/package-lock.json: line ${line} is a merge-conflict marker (<<<<<<<); resolve the conflict and commit the lockfile again; none of its packages were checked`,
    ]);
    expect(outcome.failed).toMatch(
      /^The scan is incomplete: web\/package-lock.json was not checked: line \d+ is a merge-conflict marker/,
    );
    // The branch name after the marker is the file's text, not ours to print.
    expect(io.summary).not.toContain("feature/bump");
  });

  it("in requirements.txt, both sides are not read as packages: the file is unchecked", async () => {
    ws = await workspace();
    await ws.write({
      "requirements.txt":
        "idna==3.4\n<<<<<<< ours\nrequests==2.31.0\n=======\nrequests==2.28.2\n>>>>>>> theirs\n",
    });
    await ws.commit("an unresolved merge");
    const { log, outcome, results } = await scan(ws.dir, { "osv-db": FIXTURES_DB, baseline: "none" });
    expect(results).toEqual([]);
    expect(uncheckedOf(runOf(log, "pypi"))).toEqual([
      expect.stringMatching(/^Not checked: requirements.txt: line 2 is a merge-conflict marker \(<<<<<<<\)/),
    ]);
    expect(outcome.failed).toMatch(/requirements.txt was not checked: line 2/);
  });

  it("at the base commit it is a warning, not a gap: the head was checked; its findings count as new", async () => {
    ws = await workspace();
    await ws.write({
      "requirements.txt": "<<<<<<< ours\nrequests==2.28.2\n=======\nrequests==2.28.1\n>>>>>>> theirs\n",
    });
    await ws.commit("base: an unresolved merge");
    await ws.git("checkout", "-q", "-b", "feature");
    await ws.commit("head: resolved", { "requirements.txt": "requests==2.28.2\n" });
    const { log, outcome, results, io } = await scan(ws.dir, { "osv-db": FIXTURES_DB, base: "main" });
    expect(results.map((r) => `${r.ruleId} ${r.baselineState}`)).toEqual([`${PYPI_ADVISORY} new`]);
    complete(runOf(log, "pypi"));
    expect(outcome.failed).toBeUndefined();
    expect(io.annotations).toContainEqual({
      level: "warning",
      message: expect.stringMatching(
        /^requirements\.txt at [0-9a-f]{12} could not be read \(line 1 is a merge-conflict marker \(<<<<<<<\); resolve the conflict and commit the lockfile again\); its findings count as new\.$/,
      ),
    });
  });

  it("positive control: marker-like text that is not at a line start is read", async () => {
    ws = await workspace();
    await ws.write({
      "requirements.txt":
        "# ======= pinned by pip-compile =======\nrequests==2.28.2 # <<<<<<< not a marker\n",
    });
    await ws.commit("no conflict");
    const run = await scan(ws.dir, { "osv-db": FIXTURES_DB, baseline: "none" });
    expect(run.results.map((r) => r.ruleId)).toEqual([PYPI_ADVISORY]);
    complete(runOf(run.log, "pypi"));
    expect(run.outcome.failed).toBeUndefined();
  });
});

const FIXTURES_DB = path.join(FIXTURES, "osv");

describe("a broken offline database", () => {
  async function project(): Promise<Workspace> {
    const w = await workspace();
    await w.copy("npm-v3", "web");
    await w.copy("python-requirements/requirements.txt", "requirements.txt");
    await w.commit("npm and python");
    return w;
  }

  it("a truncated all.zip in the folder is named, never a full run of 0 results", async () => {
    ws = await project();
    const pypi = await allZip([PYPI_ADVISORY]);
    await mkdir(path.join(ws.dir, "osv-db", "npm"), { recursive: true });
    await mkdir(path.join(ws.dir, "osv-db", "PyPI"), { recursive: true });
    await writeFile(path.join(ws.dir, "osv-db", "npm", "all.zip"), await allZip(NPM_ADVISORIES));
    await writeFile(path.join(ws.dir, "osv-db", "PyPI", "all.zip"), pypi.subarray(0, pypi.length >> 1));
    const { log, outcome } = await scan(ws.dir, { "osv-db": "osv-db", baseline: "none" });
    expect(validate(log).valid).toBe(true);
    const gaps = uncheckedOf(runOf(log, "pypi"));
    expect(gaps).toContainEqual(
      expect.stringMatching(
        /^Not checked: osv-db\/PyPI\/all.zip: not a readable zip file \(no zip end-of-central-directory record/,
      ),
    );
    expect(gaps).toContainEqual(
      expect.stringMatching(/^Not checked: PyPI \(5 packages\): no advisory data for PyPI/),
    );
    // A database file that cannot be read could have held advisories for any ecosystem.
    expect(uncheckedOf(runOf(log, "npm"))).toEqual([
      expect.stringMatching(/^Not checked: osv-db\/PyPI\/all.zip: not a readable zip file/),
    ]);
    expect(outcome.failed).toMatch(/^The scan is incomplete: osv-db\/PyPI\/all.zip was not checked/);
  });

  it("a truncated all.zip as the whole database is an error that names it", async () => {
    ws = await project();
    const zip = await allZip([...NPM_ADVISORIES, PYPI_ADVISORY]);
    await writeFile(path.join(ws.dir, "all.zip"), zip.subarray(0, zip.length - 30));
    await expect(scan(ws.dir, { "osv-db": "all.zip", baseline: "none" })).rejects.toThrow(
      /Input "osv-db": all.zip holds no OSV advisories \(1 files could not be read; first: all.zip: not a readable zip file/,
    );
  });

  it("an entry of an all.zip that cannot be inflated makes the scan incomplete, naming it", async () => {
    ws = await project();
    const zip = await allZip([PYPI_ADVISORY], [OTHER_PYPI]);
    // The first entry's deflate data starts after its local header; 0xff is an invalid block type.
    zip[30 + zip.readUInt16LE(26) + zip.readUInt16LE(28)] = 0xff;
    await mkdir(path.join(ws.dir, "osv-db"), { recursive: true });
    await writeFile(path.join(ws.dir, "osv-db", "pypi.zip"), zip);
    await writeDb(path.join(ws.dir, "osv-db", "npm"), NPM_ADVISORIES);
    const { log, outcome, results } = await scan(ws.dir, { "osv-db": "osv-db", baseline: "none" });
    expect(results.some((r) => r.ruleId === PYPI_ADVISORY)).toBe(false);
    expect(uncheckedOf(runOf(log, "pypi"))).toEqual([
      expect.stringMatching(
        /^Not checked: osv-db\/pypi.zip: 1 of its 2 entries could not be read \(first: GHSA-j8r2-6x86-q33q.json: cannot be inflated/,
      ),
    ]);
    expect(outcome.failed).toMatch(/osv-db\/pypi.zip was not checked/);
  });

  it("positive control: intact all.zip files give a complete scan with every finding", async () => {
    ws = await project();
    await mkdir(path.join(ws.dir, "osv-db", "npm"), { recursive: true });
    await mkdir(path.join(ws.dir, "osv-db", "PyPI"), { recursive: true });
    await writeFile(path.join(ws.dir, "osv-db", "npm", "all.zip"), await allZip(NPM_ADVISORIES));
    await writeFile(path.join(ws.dir, "osv-db", "PyPI", "all.zip"), await allZip([PYPI_ADVISORY]));
    const { log, outcome, results, io } = await scan(ws.dir, { "osv-db": "osv-db", baseline: "none" });
    complete(runOf(log, "npm"));
    complete(runOf(log, "pypi"));
    expect(results).toHaveLength(6);
    expect(outcome.failed).toBeUndefined();
    expect(io.summary).not.toContain("Incomplete");
  });
});

describe("what sca could not check becomes coverage", () => {
  it("each gap goes on the run of its ecosystem; on-unchecked and fail-on both decide", async () => {
    ws = await workspace();
    await ws.copy("npm-v3", "a");
    await ws.write({
      "b/package-lock.json": '{"lockfileVersion": 3, "packages": {',
      "c/poetry.lock": "[[package]\n",
    });
    await ws.commit("mixed");
    const { log, outcome, results } = await scan(ws.dir, { "osv-db": FIXTURES_DB, baseline: "none" });
    expect(validate(log).valid).toBe(true);
    expect(results).toHaveLength(5);
    expect(uncheckedOf(runOf(log, "npm"))).toEqual([
      expect.stringMatching(
        /^Not checked: b\/package-lock.json: not valid JSON at line 1, column 37 \(.+\); none of its packages were checked$/,
      ),
    ]);
    // No poetry.lock could be read, yet the PyPI run exists and says why it is empty.
    expect(uncheckedOf(runOf(log, "pypi"))).toEqual([
      expect.stringMatching(/^Not checked: c\/poetry.lock: not valid TOML at line 1, column 11 \(/),
    ]);
    expect(outcome.failed).toMatch(
      /^The scan is incomplete: b\/package-lock.json was not checked: .* \(and 1 more, listed in the job summary\)\./,
    );

    // fail-on and on-unchecked each fail the step, and the message says both.
    const both = await scan(ws.dir, { "osv-db": FIXTURES_DB, baseline: "none", "fail-on": "high" });
    expect(both.outcome.failed).toMatch(
      /^The scan is incomplete: .*set on-unchecked: warn to accept an incomplete scan\. 5 new finding\(s\) of severity high or higher \(fail-on: high\)/,
    );
    const onlyFailOn = await scan(ws.dir, {
      "osv-db": FIXTURES_DB,
      baseline: "none",
      "fail-on": "high",
      "on-unchecked": "warn",
    });
    expect(onlyFailOn.outcome.failed).toMatch(/^5 new finding\(s\) of severity high or higher/);
  });

  it("on-unchecked from the config, the input winning over it; a bad value is refused", async () => {
    ws = await workspace();
    await ws.write({ "package-lock.json": "{", ".github/secflow.yml": "on-unchecked: warn\n" });
    await ws.commit("config warns");
    const fromConfig = await scan(ws.dir, { "osv-db": FIXTURES_DB, baseline: "none" });
    expect(fromConfig.outcome.failed).toBeUndefined();
    expect(isIncomplete(runOf(fromConfig.log, "npm"))).toBe(true);
    const input = await scan(ws.dir, { "osv-db": FIXTURES_DB, baseline: "none", "on-unchecked": "fail" });
    expect(input.outcome.failed).toMatch(/^The scan is incomplete: package-lock.json was not checked/);
    await expect(scan(ws.dir, { "osv-db": FIXTURES_DB, "on-unchecked": "ignore" })).rejects.toThrow(
      /Input "on-unchecked" has an invalid value "ignore"/,
    );
  });

  it("an advisory the OSV API could not give goes on the run of the package it matched", async () => {
    ws = await workspace();
    await ws.copy("npm-v3", ".");
    await ws.copy("python-requirements/requirements.txt", "requirements.txt");
    await ws.commit("project");
    const records = await Promise.all([...NPM_ADVISORIES, PYPI_ADVISORY].map(advisory));
    const server = await startOsvServer({ records, missing: ["GHSA-p6mc-m468-83gw"] });
    try {
      const { log, outcome } = await scan(ws.dir, { "osv-api-url": server.url, baseline: "none" });
      expect(uncheckedOf(runOf(log, "npm"))).toEqual([
        expect.stringMatching(/^Not checked: advisory GHSA-p6mc-m468-83gw: details unavailable/),
      ]);
      complete(runOf(log, "pypi"));
      expect(outcome.failed).toMatch(/^The scan is incomplete: advisory GHSA-p6mc-m468-83gw/);
    } finally {
      await server.close();
    }
  });

  it("a file no parser reads still gets a run that says it was not checked", async () => {
    ws = await workspace();
    await ws.write({ "deps/locked.json": "{}" });
    await ws.commit("an unknown lockfile");
    const { log, outcome } = await scan(ws.dir, {
      "osv-db": FIXTURES_DB,
      baseline: "none",
      lockfiles: "deps/*.json",
      "on-unchecked": "warn",
    });
    expect(validate(log).valid).toBe(true);
    expect(log.runs).toHaveLength(1);
    expect(uncheckedOf(runOf(log, "other"))).toEqual([
      expect.stringMatching(/^Not checked: deps\/locked.json: not a lockfile this scan reads/),
    ]);
    expect(outcome.failed).toBeUndefined();
  });
});

describe("the summary's list of what was not checked", () => {
  it("shows at most 50 rows, and the full count", () => {
    const gaps = Array.from({ length: 120 }, (_, i) => ({
      subject: `requirements.txt:${i + 1}`,
      reason: "x",
    }));
    const summary = summaryMarkdown({
      source: "the OSV API",
      lockfiles: 1,
      packages: 0,
      devExcluded: 0,
      log: sarifLog([]),
      counts: countFindings([]),
      unchecked: gaps,
      warnings: [],
    });
    expect(summary).toContain("> **Incomplete: 120 item(s) were not checked.**");
    expect(summary.split("\n").filter((line) => line.startsWith("> - "))).toHaveLength(50);
    expect(summary).toContain("> - 71 more, listed in the SARIF file and the step log");
    expect(summary).toContain("> - requirements.txt:49: x\n> - 71 more");
  });
});

describe("JSON lockfile errors give a line and a column", () => {
  const input = (text: string) => ({ path: "x/package-lock.json", text, sibling: async () => undefined });

  it.each([
    ['{\n  "lockfileVersion": 3,\n  "packages": {\n    "": { "name": x }\n  }\n}\n', 4, 19],
    ['{\n  "lockfileVersion": 3,\n}\n', 3, 1],
    ['{\n  "a": 1\n}\n}', 4, 1],
    ['\uFEFF{\n  "a": tru\n}', 2, 11],
    ['{"a": "\u0001"}', 1, 8],
    ["{", 1, 2],
  ])("%j: line %i, column %i", async (text, line, column) => {
    const error = await parseNpmLock(input(text)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockfileError);
    expect((error as Error).message).toMatch(
      new RegExp(`^x/package-lock.json: not valid JSON at line ${line}, column ${column} \\(`),
    );
    // No "position", and no piece of the file quoted back.
    expect((error as Error).message).not.toMatch(/position|is not valid JSON/);
  });

  it("Pipfile.lock too", async () => {
    await expect(parsePipfileLock(input('{\n  "default": {\n    "requests": {,\n'))).rejects.toThrow(
      /not valid JSON at line 3, column 18 \(/,
    );
  });
});
