import { existsSync } from "node:fs";
import path from "node:path";
import { type Sarif, validate } from "@secflow/sarif";
import { afterEach, describe, expect, it } from "vitest";
import { advisory, FIXTURES, lineOf } from "./helpers.ts";
import { startOsvServer } from "./osv-server.ts";
import { props, scan, where } from "./scan.ts";
import { type Workspace, workspace } from "./workspace.ts";

const OSV_DB = path.join(FIXTURES, "osv");
let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

const rows = (results: Sarif.Result[]) =>
  results
    .map((r) => `${where(r)} ${r.ruleId} ${props(r).installedVersion} -> ${props(r).upgradeTo ?? "-"}`)
    .sort();

/** The project of the fixtures: npm (lodash, minimist) and Python lockfiles (requests). */
async function project(): Promise<Workspace> {
  const w = await workspace();
  await w.copy("npm-v3", "web");
  await w.copy("poetry", "api");
  await w.copy("pipenv", "worker");
  await w.copy("python-requirements/requirements.txt", "tools/requirements.txt");
  await w.copy("uv", "jobs");
  await w.commit("project");
  return w;
}

async function expectedRows() {
  const lock = "npm-v3/package-lock.json";
  return [
    `web/package-lock.json:${await lineOf(lock, '"node_modules/lodash": {')} GHSA-35jh-r3h4-6jhm 4.17.15 -> 4.17.21`,
    `web/package-lock.json:${await lineOf(lock, '"node_modules/lodash": {')} GHSA-p6mc-m468-83gw 4.17.15 -> 4.17.20`,
    `web/package-lock.json:${await lineOf(lock, '"node_modules/minimist": {')} GHSA-xvch-5gv4-984h 1.2.5 -> 1.2.6`,
    `web/package-lock.json:${await lineOf(lock, '"node_modules/mkdirp/node_modules/minimist": {')} GHSA-xvch-5gv4-984h 0.0.8 -> 0.2.4`,
    `web/package-lock.json:${await lineOf(lock, '"node_modules/optimist/node_modules/minimist": {')} GHSA-xvch-5gv4-984h 0.0.10 -> 0.2.4`,
    `api/poetry.lock:${await lineOf("poetry/poetry.lock", '^name = "requests"')} GHSA-j8r2-6x86-q33q 2.30.0 -> 2.31.0`,
    `worker/Pipfile.lock:${await lineOf("pipenv/Pipfile.lock", '"requests": {')} GHSA-j8r2-6x86-q33q 2.25.1 -> 2.31.0`,
    `tools/requirements.txt:${await lineOf("python-requirements/requirements.txt", "requests==")} GHSA-j8r2-6x86-q33q 2.28.2 -> 2.31.0`,
  ].sort();
}

describe("sca run", () => {
  it("offline: finds lodash, minimist and requests at their lockfile lines with their fixes", async () => {
    ws = await project();
    const { io, outcome, log, results } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none" });
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    expect(rows(results)).toEqual(await expectedRows());
    expect(log.runs.map((r) => r.automationDetails?.id)).toEqual(["secflow/sca/npm/", "secflow/sca/pypi/"]);
    const nested = results.find((r) => props(r).installedVersion === "0.0.8");
    expect(props(nested as Sarif.Result)).toMatchObject({
      purl: "pkg:npm/minimist@0.0.8",
      fixedVersions: ["0.2.4", "1.2.6"],
      dependencyPath: ["mkdirp", "minimist"],
      scope: "runtime",
      relation: "transitive",
    });
    expect(nested?.message.text).toBe(
      "minimist 0.0.8 (via mkdirp) is affected by GHSA-xvch-5gv4-984h (CVE-2021-44906): Prototype Pollution in minimist. Upgrade to 0.2.4 or later.",
    );
    const rule = log.runs[0]?.tool.driver.rules?.find((r) => r.id === "GHSA-xvch-5gv4-984h");
    expect(rule?.properties).toMatchObject({
      "security-severity": "9.8",
      tags: expect.arrayContaining(["security", "external/cwe/cwe-1321"]),
    });
    expect(rule?.help?.markdown).toContain(
      "- `minimist`: affected `>= 1.0.0, < 1.2.6`, `< 0.2.4`; fixed in `0.2.4`, `1.2.6`",
    );
    expect(io.outputs).toEqual({
      "sarif-file": path.join(ws.dir, "out", "sca.sarif"),
      "total-count": "8",
      "new-count": "8",
      "max-severity": "critical",
    });
    expect(io.summary).toContain(
      "[GHSA-xvch-5gv4-984h](https://github.com/advisories/GHSA-xvch-5gv4-984h) | upgrade to 1.2.6",
    );
    // Pipfile.lock's editable package could not be checked: the summary says so first, the PyPI
    // run records it, and the scan is incomplete, which fails the step by default (on-unchecked).
    expect(io.summary).toMatch(
      /^## secflow sca\n\n> \[!WARNING\]\n> \*\*Incomplete: 1 item\(s\) were not checked\.\*\*\n> - worker\/Pipfile\.lock:\d+: mylib is not from a registry/,
    );
    expect(log.runs.map((r) => r.invocations?.[0]?.executionSuccessful)).toEqual([true, false]);
    expect(outcome.failed).toMatch(
      /^The scan is incomplete: worker\/Pipfile.lock:\d+ was not checked: mylib is not from a registry; not checked\. Fix it, or set on-unchecked: warn/,
    );
    // fail-on defaults to none: the scan reports, the change gate decides.
    const accepted = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none", "on-unchecked": "warn" });
    expect(accepted.outcome.failed).toBeUndefined();
    // Without a baseline every finding is new, so fail-on judges them all.
    const failing = await scan(ws.dir, {
      "osv-db": OSV_DB,
      baseline: "none",
      "fail-on": "high",
      "on-unchecked": "warn",
    });
    expect(failing.outcome.failed).toBe(
      "5 new finding(s) of severity high or higher (fail-on: high); see the job summary and out/sca.sarif.",
    ); // requests' advisory is medium
  });

  it("online: the OSV API (a local server speaking its protocol) gives the same findings", async () => {
    ws = await project();
    const records = await Promise.all(
      ["GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw", "GHSA-xvch-5gv4-984h", "GHSA-j8r2-6x86-q33q"].map(
        advisory,
      ),
    );
    const server = await startOsvServer({
      records,
      pageSize: 1,
      failures: [{ path: "/v1/querybatch", times: 1, status: 502 }],
    });
    try {
      const { log, results, io } = await scan(ws.dir, {
        "osv-api-url": server.url,
        baseline: "none",
        "fail-on": "none",
      });
      expect(validate(log).valid).toBe(true);
      expect(rows(results)).toEqual(await expectedRows());
      expect(io.summary).toContain(`the OSV API (${server.url}/)`);
    } finally {
      await server.close();
    }
  });

  it("applies ignores in force, and reports expired ones", async () => {
    ws = await workspace();
    await ws.copy("npm-v3", ".");
    await ws.write({
      ".github/secflow.yml": [
        "sca:",
        "  fail-on: critical",
        "  dev-dependencies: exclude",
        "  ignores:",
        "    - advisory: CVE-2021-23337",
        "      package: lodash",
        "      reason: template() is never called with user input",
        "      expires: 2026-12-31",
        "    - advisory: GHSA-xvch-5gv4-984h",
        "      reason: CLI parsing of our own arguments only",
        "      expires: 2026-01-31",
      ].join("\n"),
    });
    await ws.commit("project");
    const { results, io, outcome, log } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none" });
    expect(validate(log).valid).toBe(true);
    const lodash = results.find((r) => r.ruleId === "GHSA-35jh-r3h4-6jhm");
    expect(lodash?.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification:
          "template() is never called with user input (ignored in .github/secflow.yml until 2026-12-31)",
      },
    ]);
    // The dev-only minimist 0.0.10 is left out; the expired ignore no longer hides the others.
    expect(
      results
        .filter((r) => r.ruleId === "GHSA-xvch-5gv4-984h")
        .map((r) => [props(r).installedVersion, r.suppressions]),
    ).toEqual([
      ["1.2.5", undefined],
      ["0.0.8", undefined],
    ]);
    expect(io.annotations).toContainEqual({
      level: "warning",
      message: expect.stringMatching(
        /ignore of GHSA-xvch-5gv4-984h expired on 2026-01-31 and no longer applies \(2 findings reported again\)/,
      ),
    });
    expect(io.outputs).toMatchObject({ "total-count": "3", "new-count": "3", "max-severity": "critical" });
    expect(outcome.failed).toMatch(
      /^2 new finding\(s\) of severity critical or higher \(fail-on: critical\)/,
    );
    expect(io.summary).toMatch(/1 waived or ignored by configuration/);
    expect(io.summary).toMatch(/4 dev-only packages left out by configuration/);
  });

  it("license policy from the inputs, with unknown licenses reported", async () => {
    ws = await workspace();
    await ws.copy("npm-v3", ".");
    await ws.commit("project");
    const { results, log } = await scan(ws.dir, {
      "osv-db": OSV_DB,
      baseline: "none",
      "licenses-deny": "GPL-3.0-only",
      "licenses-allow": "Apache-2.0",
    });
    expect(validate(log).valid).toBe(true);
    const license = results
      .filter((r) => r.ruleId?.startsWith("license-"))
      .map((r) => `${r.ruleId} ${props(r).installedVersion} ${r.level}`);
    expect(license).toContain("license-not-allowed 4.17.15 warning");
    expect(license).toContain("license-unknown 0.6.1 note");
    await expect(scan(ws.dir, { "osv-db": OSV_DB, "licenses-deny": "GPL 3" })).rejects.toThrow(
      /Input "licenses-deny": "GPL 3" is not an SPDX license identifier/,
    );
    // The config file's lists take a license with an exception; inputs override them.
    await ws.write({
      ".github/secflow.yml":
        "sca:\n  licenses:\n    deny: [MIT, GPL-2.0-only WITH Classpath-exception-2.0]\n",
    });
    const fromConfig = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none", "fail-on": "none" });
    expect(fromConfig.results.filter((r) => r.ruleId === "license-denied")).toHaveLength(7);
    const overridden = await scan(ws.dir, {
      "osv-db": OSV_DB,
      baseline: "none",
      "fail-on": "none",
      "licenses-deny": "AGPL-3.0-only",
    });
    expect(overridden.results.filter((r) => r.ruleId === "license-denied")).toHaveLength(0);
  });

  it("treats file names as data and escapes them in the summary", async () => {
    ws = await workspace();
    const odd = "we ird/$(touch pwned)/`x` | *y*";
    await ws.copy("npm-v3/package-lock.json", `${odd}/package-lock.json`);
    await ws.commit("odd");
    const { results, io, log } = await scan(ws.dir, {
      "osv-db": OSV_DB,
      baseline: "none",
      "fail-on": "none",
    });
    expect(validate(log).valid).toBe(true);
    expect(results[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      "we%20ird/%24(touch%20pwned)/%60x%60%20%7C%20*y*/package-lock.json",
    );
    expect(existsSync(path.join(ws.dir, "pwned"))).toBe(false);
    expect(io.summary).toContain("| ``we ird/$(touch pwned)/`x` \\| *y*/package-lock.json:28`` |");
  });

  it("goes on past a malformed lockfile and says it was not checked", async () => {
    ws = await workspace();
    await ws.copy("npm-v3", "a");
    await ws.write({
      "b/package-lock.json": '{"lockfileVersion": 3, "packages": {',
      "c/poetry.lock": "[[package]\n",
    });
    await ws.commit("mixed");
    const { results, io } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none", "fail-on": "none" });
    expect(results).toHaveLength(5);
    expect(io.summary).toMatch(
      /> - b\/package-lock\.json: not valid JSON at line 1, column 37 .*none of its packages were checked/,
    );
    expect(io.summary).toMatch(/> - c\/poetry\.lock: not valid TOML at line 1, column 11 \(/);
    expect(io.annotations).toContainEqual({
      level: "warning",
      message: "The scan is incomplete: 2 item(s) could not be checked; the job summary lists them.",
    });
  });

  it("imports another scanner's report and places it in the repository's lockfiles", async () => {
    ws = await workspace();
    await ws.copy("npm-v3", ".");
    await ws.copy("imports/trivy.json", "reports/trivy.json");
    await ws.commit("project");
    const { results, log, io } = await scan(ws.dir, {
      import: "reports/trivy.json",
      baseline: "none",
      "fail-on": "none",
    });
    expect(validate(log).valid).toBe(true);
    expect(log.runs[0]?.tool.driver.name).toBe("Trivy");
    expect(results.map((r) => `${where(r)} ${r.ruleId} -> ${props(r).upgradeTo}`).sort()).toEqual([
      "package-lock.json:28 CVE-2020-8203 -> 4.17.20",
      "package-lock.json:28 CVE-2021-23337 -> 4.17.21",
      "package-lock.json:34 CVE-2021-44906 -> 1.2.6",
      "package-lock.json:52 CVE-2021-44906 -> 0.2.4",
      "package-lock.json:69 CVE-2021-44906 -> 0.2.4",
    ]);
    expect(io.summary).toContain("the Trivy report reports/trivy.json");
  });

  it("rejects bad inputs with a message that says what to fix", async () => {
    ws = await workspace();
    await ws.copy("npm-v3", ".");
    await ws.commit("project");
    await expect(scan(ws.dir, { "osv-db": "no/such/db" })).rejects.toThrow(
      /Input "osv-db": no\/such\/db does not exist/,
    );
    await expect(scan(ws.dir, { path: "../no-such-folder" })).rejects.toThrow(
      /Input "path": .*no-such-folder is not a folder/,
    );
    await expect(scan(ws.dir, { "fail-on": "severe" })).rejects.toThrow(
      /Input "fail-on": "severe" is not a severity/,
    );
    await expect(scan(ws.dir, { "import-format": "snyk", import: "x.json" })).rejects.toThrow(
      /Input "import-format" has an invalid value "snyk"/,
    );
    await expect(scan(ws.dir, { "osv-db": OSV_DB, import: "x.json" })).rejects.toThrow(/exclude each other/);
    await expect(scan(ws.dir, { "osv-api-url": "not a url" })).rejects.toThrow(
      /Input "osv-api-url" is not a URL/,
    );
    // A git ref is the base input now; baseline takes a keyword or an earlier SARIF file.
    await expect(scan(ws.dir, { "osv-db": OSV_DB, baseline: "no-such-branch" })).rejects.toThrow(
      /Input "baseline": no-such-branch is not an earlier run to compare with \(cannot read SARIF file \(ENOENT\)\).*give it as the base input/,
    );
    await expect(scan(ws.dir, { "osv-db": OSV_DB, base: "no-such-branch" })).rejects.toThrow(
      /Git ref "no-such-branch" does not exist/,
    );
    await expect(scan(ws.dir, { "osv-db": OSV_DB, baseline: "changed-lines" })).rejects.toThrow(
      /Input "baseline": changed-lines does not apply to this action; write auto, ref, none, <an earlier SARIF file>/,
    );
  });
});
