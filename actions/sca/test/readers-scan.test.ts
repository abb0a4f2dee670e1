// What the readers' fixes change for a team, end to end through the action with real advisories:
// a go.mod replace that names one version no longer hides a vulnerable module, the standard library
// is checked from the go / toolchain directive, a go 1.16 module's go.sum is read (and compared
// with the base like any lockfile), yarn's patch: entries and npm's shrinkwrap are not counted twice.

import path from "node:path";
import { validate } from "@secflow/sarif";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURES } from "./helpers.ts";
import { props, scan, where } from "./scan.ts";
import { type Workspace, workspace } from "./workspace.ts";

const GO_DB = path.join(FIXTURES, "osv-go"); // GO-2022-1059 (x/text < 0.3.8), GO-2022-0969 (stdlib, x/net)
const NPM_DB = path.join(FIXTURES, "osv");

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

const found = (results: Awaited<ReturnType<typeof scan>>["results"]) =>
  results.map((r) => `${r.ruleId} ${props(r).package}@${props(r).installedVersion} ${where(r)}`).sort();

describe("go.mod", () => {
  const goMod = (go: string, replace: string) =>
    ["module example.com/app", "", go, "", "require golang.org/x/text v0.3.7", "", replace, ""].join("\n");

  it("a replace of another version does not hide the version required; the stdlib is checked", async () => {
    ws = await workspace();
    // Go applies this replace to x/text v0.3.0 only; v0.3.7 is what the build uses.
    await ws.write({
      "go.mod": goMod("go 1.19", "replace golang.org/x/text v0.3.0 => golang.org/x/text v0.14.0"),
    });
    await ws.commit("app");
    const { log, results, outcome } = await scan(ws.dir, { "osv-db": GO_DB, baseline: "none" });
    expect(validate(log).valid).toBe(true);
    expect(found(results)).toEqual([
      "GO-2022-0969 stdlib@1.19 go.mod:3",
      "GO-2022-1059 golang.org/x/text@v0.3.7 go.mod:5",
    ]);
    const stdlib = results.find((r) => props(r).package === "stdlib");
    expect(stdlib && props(stdlib)).toMatchObject({
      purl: "pkg:golang/stdlib@1.19",
      fixedVersions: ["1.18.6", "1.19.1"],
      upgradeTo: "1.19.1",
    });
    expect(outcome.failed).toBeUndefined();
  });

  it("positive control: a replace of the version required applies; a fixed Go release is clean", async () => {
    ws = await workspace();
    await ws.write({
      "go.mod": goMod(
        "go 1.19\n\ntoolchain go1.19.1",
        "replace golang.org/x/text v0.3.7 => golang.org/x/text v0.14.0",
      ),
    });
    await ws.commit("app");
    const { results, outcome } = await scan(ws.dir, { "osv-db": GO_DB, baseline: "none" });
    expect(results).toEqual([]);
    expect(outcome.failed).toBeUndefined();
  });

  it("go 1.16: an indirect dependency in go.sum is found, and is unchanged against the base", async () => {
    ws = await workspace();
    const goSum = [
      "github.com/sirupsen/logrus v1.9.3 h1:dueUQJ1C2q9oE3F7wvmSGAaVtTmUizReu6fjN8uqzbQ=",
      "github.com/sirupsen/logrus v1.9.3/go.mod h1:naHLuLoDiP4jHNo9R0sCBMtWGeIprob74mVsIT4qYEQ=",
      "golang.org/x/text v0.3.7 h1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=",
      "golang.org/x/text v0.3.7/go.mod h1:5Zoc/QRtKVWzQhOtBMvqHzDpF6irO9z98xDceosuGiQ=",
      "",
    ].join("\n");
    await ws.write({
      "svc/go.mod": "module example.com/svc\n\ngo 1.16\n\nrequire github.com/sirupsen/logrus v1.9.3\n",
      "svc/go.sum": goSum,
    });
    await ws.commit("base");
    await ws.git("checkout", "-q", "-b", "feature");
    await ws.commit("head: a new direct dependency", {
      "svc/go.mod":
        "module example.com/svc\n\ngo 1.16\n\nrequire (\n\tgithub.com/sirupsen/logrus v1.9.3\n\tgithub.com/google/uuid v1.6.0\n)\n",
      "svc/go.sum": `${goSum}github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\n`,
    });
    const { results } = await scan(ws.dir, { "osv-db": GO_DB, base: "main" });
    const text = results.filter((r) => props(r).package === "golang.org/x/text");
    expect(text.map((r) => `${r.ruleId} ${where(r)} ${r.baselineState}`)).toEqual([
      "GO-2022-1059 svc/go.sum:3 unchanged",
    ]);
    // go 1.16 is vulnerable to GO-2022-0969 at both commits too.
    expect(results.find((r) => props(r).package === "stdlib")?.baselineState).toBe("unchanged");
  });
});

describe("JavaScript lockfiles", () => {
  it("yarn berry: a patched package and an alias are each checked once, under the real name", async () => {
    ws = await workspace();
    await ws.copy("yarn-berry-patch", ".");
    await ws.commit("project");
    const { results } = await scan(ws.dir, { "osv-db": NPM_DB, baseline: "none" });
    // lodash-cjs is lodash 4.17.15; resolve's patch entry adds nothing.
    expect(found(results)).toEqual([
      "GHSA-35jh-r3h4-6jhm lodash@4.17.15 yarn.lock:50",
      "GHSA-p6mc-m468-83gw lodash@4.17.15 yarn.lock:50",
    ]);
  });

  it("npm: a package-lock.json beside npm-shrinkwrap.json is not read, and the log says why", async () => {
    ws = await workspace();
    await ws.copy("npm-v3/package-lock.json", "app/package-lock.json");
    await ws.copy("npm-v3/package.json", "app/package.json");
    await ws.copy("scalibr/packagelockjson/both/npm-shrinkwrap.json", "app/npm-shrinkwrap.json");
    await ws.commit("project");
    const { results, printed, outcome } = await scan(ws.dir, { "osv-db": NPM_DB, baseline: "none" });
    // The package-lock.json's vulnerable lodash and minimist are not what npm installs.
    expect(results).toEqual([]);
    expect(printed).toContain(
      "Not read: app/package-lock.json: npm ignores it: npm-shrinkwrap.json beside it is what npm installs from (app/npm-shrinkwrap.json is read).",
    );
    expect(printed).toMatch(/Read 1 lockfile\(s\): app\/npm-shrinkwrap.json \(2 packages\)/);
    expect(outcome.failed).toBeUndefined();
  });
});
