// The top-level waivers of .github/secflow.yml apply to sca results as in every action (the kit's
// applyWaivers): by advisory (any id or alias), rule, fingerprint and path; expired ones say so.

import path from "node:path";
import { FINGERPRINT_KEY, validate } from "@secflow/sarif";
import { afterEach, expect, it } from "vitest";
import { FIXTURES } from "./helpers.ts";
import { props, scan } from "./scan.ts";
import { type Workspace, workspace } from "./workspace.ts";

const OSV_DB = path.join(FIXTURES, "osv");
let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

/** Two copies of the npm project (web/, tools/) with the given waivers. */
async function project(waivers: string[]): Promise<Workspace> {
  ws = await workspace();
  await ws.copy("npm-v3", "web");
  await ws.copy("npm-v3", "tools");
  await ws.write({ ".github/secflow.yml": ["waivers:", ...waivers].join("\n") });
  await ws.commit("project");
  return ws;
}

it("a waiver by advisory alias, narrowed to a path, suppresses those findings and they stop counting", async () => {
  await project([
    "  - advisory: CVE-2021-44906 # an alias of GHSA-xvch-5gv4-984h",
    "    path: tools/**",
    "    reason: minimist parses our own build arguments only",
    "    approver: alice",
    "    expires: 2026-12-31",
  ]);
  const { results, io, log, printed } = await scan(ws?.dir as string, {
    "osv-db": OSV_DB,
    baseline: "none",
    "fail-on": "critical",
  });
  expect(validate(log)).toEqual({ valid: true, issues: [] });
  const suppressed = results.filter((r) => r.suppressions?.length);
  expect(suppressed.map((r) => `${r.ruleId} ${props(r).installedVersion}`).sort()).toEqual([
    "GHSA-xvch-5gv4-984h 0.0.10",
    "GHSA-xvch-5gv4-984h 0.0.8",
    "GHSA-xvch-5gv4-984h 1.2.5",
  ]);
  expect(
    suppressed.every((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri?.startsWith("tools/")),
  ).toBe(true);
  expect(suppressed[0]?.suppressions).toEqual([
    {
      kind: "external",
      status: "accepted",
      justification: "minimist parses our own build arguments only (approved by alice, expires 2026-12-31)",
      properties: { secflow: { approver: "alice", expires: "2026-12-31" } },
    },
  ]);
  // 10 findings in all, 3 waived: 7 count; web/'s two critical minimist copies still fail the step.
  expect(io.outputs).toMatchObject({ "total-count": "7", "new-count": "7", "max-severity": "critical" });
  expect(printed).toContain("3 finding(s) waived in secflow.yml.");
  expect(io.summary).toContain("3 waived or ignored by configuration");
  expect(io.summary).not.toContain("`tools/package-lock.json:34`");
});

it("waivers by rule and by fingerprint; an expired one is reported and no longer applies", async () => {
  ws = await workspace();
  await ws.copy("npm-v3", "web");
  await ws.commit("project");
  const first = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none" });
  const lodash = first.results.find((r) => r.ruleId === "GHSA-p6mc-m468-83gw");
  const fingerprint = lodash?.partialFingerprints?.[FINGERPRINT_KEY] as string;
  expect(fingerprint).toBeDefined();
  await ws.write({
    ".github/secflow.yml": [
      "waivers:",
      `  - fingerprint: "${fingerprint}"`,
      "    reason: lodash's zipObjectDeep is never called",
      "    approver: bob",
      "    expires: 2026-12-31",
      "  - rule: GHSA-35jh-r3h4-6jhm",
      "    reason: template() is never given user input",
      "    approver: bob",
      "    expires: 2026-01-31",
    ].join("\n"),
  });
  const { results, io } = await scan(ws.dir, { "osv-db": OSV_DB, baseline: "none" });
  expect(results.filter((r) => r.suppressions?.length).map((r) => r.ruleId)).toEqual(["GHSA-p6mc-m468-83gw"]);
  expect(io.outputs).toMatchObject({ "total-count": "4", "new-count": "4" });
  expect(io.annotations).toContainEqual({
    level: "warning",
    message:
      "Waiver 2 (rule GHSA-35jh-r3h4-6jhm) expired on 2026-01-31; its 1 finding(s) are reported again.",
  });
});
