import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFindings } from "../src/findings.ts";
import { locateImport } from "../src/imports/locate.ts";
import { readImport } from "../src/imports/read-import.ts";
import { parseNpmLock } from "../src/lockfiles/npm.ts";
import { FIXTURES, fixtureInput, lineOf } from "./helpers.ts";

const LOCK = "npm-v3/package-lock.json";

async function importFixture(
  name: string,
  format: "auto" | "npm-audit" | "osv-scanner" | "trivy" | "grype" = "auto",
) {
  const report = await readImport(path.join(FIXTURES, "imports", name), format, `imports/${name}`);
  // The reports were written for the npm-v3 fixture project; it sits at the repository root here.
  const lockfile = await parseNpmLock({ ...(await fixtureInput(LOCK)), path: "package-lock.json" });
  const located = locateImport(report, [lockfile], {
    root: "/home/runner/work/fixture-app/fixture-app",
    importPath: `imports/${name}`,
  });
  return { report, located, findings: buildFindings(located.packages, located.advisories) };
}

describe.each(["npm-audit.json", "osv-scanner.json", "trivy.json", "grype.json"])("import of %s", (name) => {
  it("finds lodash and the three minimists at their lockfile lines with the right fixes", async () => {
    const { findings, located } = await importFixture(name);
    expect(located.advisories.skipped).toEqual([]);
    const rows = findings
      .map(
        (f) =>
          `${f.package.name}@${f.package.version}:${f.package.line} ${f.ids.find((id) => id.startsWith("GHSA-"))} -> ${f.upgradeTo}`,
      )
      .sort();
    expect(rows).toEqual(
      [
        `lodash@4.17.15:${await lineOf(LOCK, '"node_modules/lodash": {')} GHSA-35jh-r3h4-6jhm -> 4.17.21`,
        `lodash@4.17.15:${await lineOf(LOCK, '"node_modules/lodash": {')} GHSA-p6mc-m468-83gw -> 4.17.20`,
        `minimist@0.0.10:${await lineOf(LOCK, '"node_modules/optimist/node_modules/minimist": {')} GHSA-xvch-5gv4-984h -> 0.2.4`,
        `minimist@0.0.8:${await lineOf(LOCK, '"node_modules/mkdirp/node_modules/minimist": {')} GHSA-xvch-5gv4-984h -> 0.2.4`,
        `minimist@1.2.5:${await lineOf(LOCK, '"node_modules/minimist": {')} GHSA-xvch-5gv4-984h -> 1.2.6`,
      ].sort(),
    );
    const critical = findings.find((f) => f.package.version === "1.2.5");
    expect(critical?.severity).toBe("critical");
    expect(critical?.package.scope).toBe("runtime");
    expect(findings.find((f) => f.package.version === "0.0.10")?.package.scope).toBe("dev");
  });
});

describe("imports", () => {
  it("names each tool, and groups a CVE-named finding with its GHSA alias", async () => {
    const { report, findings } = await importFixture("trivy.json");
    expect(report.tool.name).toBe("Trivy");
    const lodash = findings.find((f) => f.advisory.id === "CVE-2021-23337");
    expect(lodash?.ids).toEqual(["CVE-2021-23337", "GHSA-35jh-r3h4-6jhm"]);
    expect(lodash?.score).toBe(7.2);
    expect((await importFixture("grype.json")).report.tool).toMatchObject({
      name: "Grype",
      version: "0.74.0",
    });
    expect((await importFixture("npm-audit.json")).report.tool.name).toBe("npm audit");
  });

  it("reports a package the lockfiles do not have at the lockfile the tool names", async () => {
    const report = await readImport(path.join(FIXTURES, "imports", "trivy.json"), "trivy", "trivy.json");
    const located = locateImport(report, [], { root: "/w", importPath: "trivy.json" });
    expect(located.packages.map((p) => `${p.lockfile}:${p.line} ${p.name}@${p.version}`)).toContain(
      "package-lock.json:1 lodash@4.17.15",
    );
  });

  it("says when npm audit names a package no lockfile holds in an affected version", async () => {
    const report = await readImport(path.join(FIXTURES, "imports", "npm-audit.json"), "auto", "audit.json");
    const located = locateImport(report, [], { root: "/w", importPath: "audit.json" });
    expect(located.packages).toEqual([]);
    expect(located.advisories.skipped.map((s) => s.subject)).toEqual([
      "lodash GHSA-35jh-r3h4-6jhm",
      "lodash GHSA-p6mc-m468-83gw",
      "minimist GHSA-xvch-5gv4-984h",
    ]);
  });

  it("refuses what it cannot read, saying what to do", async () => {
    await expect(
      readImport(path.join(FIXTURES, "osv", "GHSA-35jh-r3h4-6jhm.json"), "auto", "x.json"),
    ).rejects.toThrow(/cannot tell which scanner wrote x.json; set import-format/);
    await expect(
      readImport(path.join(FIXTURES, "npm-v3", "package-lock.json"), "npm-audit", "y.json"),
    ).rejects.toThrow(/only npm audit report version 2/);
    await expect(readImport(path.join(FIXTURES, "go", "go.mod"), "auto", "go.mod")).rejects.toThrow(
      /go.mod is not valid JSON/,
    );
    await expect(readImport(path.join(FIXTURES, "nope.json"), "auto", "nope.json")).rejects.toThrow(
      /cannot read nope.json \(ENOENT\)/,
    );
  });
});
