import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { zipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describe as describePkg, matchOffline } from "../src/advisories.ts";
import type { Package } from "../src/model.ts";
import { loadOfflineDb, packageKey } from "../src/osv/offline-db.ts";
import { purl } from "../src/purl.ts";
import { FIXTURES } from "./helpers.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sca-db-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function pkg(ecosystem: Package["ecosystem"], name: string, version: string): Package {
  return {
    ecosystem,
    name,
    version,
    purl: purl(ecosystem, name, version),
    relation: "direct",
    scope: "runtime",
    lockfile: "l",
    line: 3,
    dependencyPath: [name],
  };
}

async function zipOf(files: string[]): Promise<Uint8Array> {
  const entries: Record<string, Uint8Array> = {};
  for (const f of files) entries[path.basename(f)] = new Uint8Array(await readFile(f));
  return zipSync(entries);
}

const osvFiles = async () =>
  (await readdir(path.join(FIXTURES, "osv"))).map((f) => path.join(FIXTURES, "osv", f));

describe("offline OSV database", () => {
  it("reads a folder of OSV files, nested folders included", async () => {
    await cp(path.join(FIXTURES, "osv"), path.join(dir, "npm", "advisories"), { recursive: true });
    const db = await loadOfflineDb(dir, "db");
    expect(db.index.records).toBe(4);
    expect(db.skipped).toEqual([]);
    expect(
      db.index
        .get("npm", "lodash")
        .map((r) => r.id)
        .sort(),
    ).toEqual(["GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw"]);
    expect(db.index.get("PyPI", "Requests").map((r) => r.id)).toEqual(["GHSA-j8r2-6x86-q33q"]);
  });

  it("keeps only the advisories of the packages asked for, reading all", async () => {
    const db = await loadOfflineDb(
      path.join(FIXTURES, "osv"),
      "db",
      new Set([packageKey("npm", "minimist"), packageKey("PyPI", "REQUESTS")]),
    );
    expect(db.index.records).toBe(4);
    expect(db.index.get("npm", "lodash")).toEqual([]);
    expect(db.index.get("npm", "minimist").map((r) => r.id)).toEqual(["GHSA-xvch-5gv4-984h"]);
    expect(db.index.get("PyPI", "requests").map((r) => r.id)).toEqual(["GHSA-j8r2-6x86-q33q"]);
    // Which ecosystems it covers is known from every advisory, kept or not.
    expect([...db.index.ecosystems].sort()).toEqual(["PyPI", "npm"]);
  });

  it("reads osv.dev's per-ecosystem all.zip files, alone or in a folder", async () => {
    const zip = await zipOf(await osvFiles());
    await mkdir(path.join(dir, "npm"));
    await writeFile(path.join(dir, "npm", "all.zip"), zip);
    expect((await loadOfflineDb(path.join(dir, "npm", "all.zip"))).index.records).toBe(4);
    expect((await loadOfflineDb(dir)).index.records).toBe(4);
  });

  it("reports a broken file by name and uses the rest", async () => {
    await cp(path.join(FIXTURES, "osv"), dir, { recursive: true });
    await writeFile(path.join(dir, "GHSA-broken.json"), '{"id": "GHSA-broken", "affected": [');
    await writeFile(path.join(dir, "package.json"), '{"name": "not-an-advisory"}');
    await writeFile(
      path.join(dir, "ranges.json"),
      '{"id": "BAD-1", "affected": [{"ranges": {"type": "SEMVER"}}]}',
    );
    await writeFile(path.join(dir, "broken.zip"), "PK\u0003\u0004 this is not a zip");
    const db = await loadOfflineDb(dir, "db");
    expect(db.index.records).toBe(4);
    expect(db.skipped.map((s) => `${s.subject}: ${s.reason}`).sort()).toEqual([
      expect.stringMatching(/^db\/GHSA-broken.json: not valid JSON .*this advisory was not used$/),
      expect.stringMatching(/^db\/broken.zip: not a readable zip file/),
      expect.stringMatching(/^db\/package.json: has no "id"; not an OSV record; not used$/),
      expect.stringMatching(/^db\/ranges.json: BAD-1: affected\[0\].ranges must be a list; not used$/),
    ]);
  });

  it("refuses a database with no advisories, and one that does not exist", async () => {
    await writeFile(path.join(dir, "x.json"), "[]");
    await expect(loadOfflineDb(dir, "db")).rejects.toThrow(
      /db holds no OSV advisories \(1 files could not be read; first: db\/x.json: expected an OSV record/,
    );
    await expect(loadOfflineDb(path.join(dir, "missing"), "missing")).rejects.toThrow(
      /Input "osv-db": missing does not exist/,
    );
    await writeFile(path.join(dir, "db.tar"), "x");
    await expect(loadOfflineDb(path.join(dir, "db.tar"), "db.tar")).rejects.toThrow(/not a \.zip/);
  });

  it("matches packages, and lists those it could not check", async () => {
    await cp(path.join(FIXTURES, "osv"), dir, { recursive: true });
    await writeFile(
      path.join(dir, "GHSA-bad-range.json"),
      JSON.stringify({
        id: "GHSA-bad-range",
        affected: [
          {
            package: { ecosystem: "npm", name: "minimist" },
            ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.2.x" }] }],
          },
        ],
      }),
    );
    const { index } = await loadOfflineDb(dir);
    const packages = [
      pkg("npm", "lodash", "4.17.20"),
      pkg("npm", "minimist", "1.2.5"),
      pkg("npm", "lodash", "latest"),
      pkg("PyPI", "requests", "2.31.0"),
    ];
    const result = matchOffline(packages, index);
    expect(result.matches.map((m) => m.map((r) => r.id))).toEqual([
      ["GHSA-35jh-r3h4-6jhm"],
      ["GHSA-xvch-5gv4-984h"],
      [],
      [],
    ]);
    expect(result.skipped).toEqual([
      {
        subject: `${describePkg(packages[1] as Package)} against GHSA-bad-range`,
        reason:
          'not checked: the advisory\'s range is invalid (GHSA-bad-range: fixed "1.2.x" is not a valid version)',
        ecosystem: "npm",
      },
      {
        subject: describePkg(packages[2] as Package),
        reason:
          '"latest" is not a npm version that can be compared; not checked against 2 advisories for lodash',
        ecosystem: "npm",
      },
    ]);
  });
});
