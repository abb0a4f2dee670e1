import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeAffected, fixedVersions } from "../src/osv/fixes.ts";
import { InvalidRangeError, isAffected } from "../src/osv/match.ts";
import { advisorySeverity } from "../src/osv/severity.ts";
import type { OsvRange, OsvRecord } from "../src/osv/types.ts";
import { advisory, FIXTURES } from "./helpers.ts";

function record(
  ranges: OsvRange[],
  extra: Partial<OsvRecord["affected"] extends (infer A)[] | undefined ? A : never> = {},
  ecosystem = "npm",
  name = "pkg",
): OsvRecord {
  return { id: "TEST-1", affected: [{ package: { ecosystem, name }, ranges, ...extra }] };
}

describe("OSV range evaluation (real advisories)", () => {
  it("Go: the standard library at a go directive's release, modules with their v", async () => {
    const stdlib = JSON.parse(
      await readFile(path.join(FIXTURES, "osv-go", "GO-2022-0969.json"), "utf8"),
    ) as OsvRecord;
    // < 1.18.6, and 1.19.0-0 up to 1.19.1: "1.19" is the release 1.19.0, "1.19rc1" comes before it.
    const affected = (v: string) => isAffected(stdlib, "Go", "stdlib", v);
    expect(["1.17", "1.18", "1.18.5", "1.19", "1.19.0", "1.19rc1"].map(affected)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["1.18.6", "1.19.1", "1.20", "1.21rc2", "1.23.6"].map(affected)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(isAffected(stdlib, "Go", "golang.org/x/net", "v0.0.0-20220906165146-f3363e06e74c")).toBe(false);
    expect(isAffected(stdlib, "Go", "golang.org/x/net", "v0.0.0-20220722155237-a158d28d115b")).toBe(true);
  });

  it("lodash: GHSA-p6mc affects < 4.17.20 and GHSA-35jh < 4.17.21", async () => {
    const p6mc = await advisory("GHSA-p6mc-m468-83gw");
    const jh = await advisory("GHSA-35jh-r3h4-6jhm");
    expect(isAffected(p6mc, "npm", "lodash", "4.17.15")).toBe(true);
    expect(isAffected(p6mc, "npm", "lodash", "4.17.19")).toBe(true);
    expect(isAffected(p6mc, "npm", "lodash", "4.17.20")).toBe(false);
    expect(isAffected(jh, "npm", "lodash", "4.17.20")).toBe(true);
    expect(isAffected(jh, "npm", "lodash", "4.17.21")).toBe(false);
    expect(isAffected(jh, "npm", "lodash-es", "4.17.15")).toBe(true);
    expect(isAffected(jh, "npm", "underscore", "1.0.0")).toBe(false);
    expect(isAffected(jh, "PyPI", "lodash", "1.0.0")).toBe(false);
  });

  it("minimist: two affected entries, 0–0.2.4 and 1.0.0–1.2.6", async () => {
    const mm = await advisory("GHSA-xvch-5gv4-984h");
    expect(
      ["0.0.8", "0.0.10", "0.2.3", "1.0.0", "1.2.5"].map((v) => isAffected(mm, "npm", "minimist", v)),
    ).toEqual([true, true, true, true, true]);
    expect(["0.2.4", "0.2.99", "1.2.6", "1.2.8"].map((v) => isAffected(mm, "npm", "minimist", v))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(fixedVersions(mm, "npm", "minimist")).toEqual(["0.2.4", "1.2.6"]);
    expect(describeAffected(mm, "npm", "minimist")).toEqual([">= 1.0.0, < 1.2.6", "< 0.2.4"]);
  });

  it("requests: PEP 440 ordering, names compared normalized", async () => {
    const rq = await advisory("GHSA-j8r2-6x86-q33q");
    expect(isAffected(rq, "PyPI", "requests", "2.3.0")).toBe(true);
    expect(isAffected(rq, "PyPI", "Requests", "2.30.0")).toBe(true);
    expect(isAffected(rq, "PyPI", "requests", "2.31.0rc1")).toBe(true); // a pre-release sorts before the release
    expect(isAffected(rq, "PyPI", "requests", "2.31.0")).toBe(false);
    expect(isAffected(rq, "PyPI", "requests", "2.2.1")).toBe(false);
    expect(isAffected(rq, "PyPI", "requests", "2.31.0.post1")).toBe(false);
  });

  it("takes severity from the CVSS vector, and the label when the vector is missing", async () => {
    expect(advisorySeverity(await advisory("GHSA-j8r2-6x86-q33q"))).toMatchObject({
      severity: "medium",
      score: 6.1,
    });
    expect(advisorySeverity(await advisory("GHSA-xvch-5gv4-984h"))).toMatchObject({
      severity: "critical",
      score: 9.8,
    });
    const noVector = { ...(await advisory("GHSA-35jh-r3h4-6jhm")), severity: [] };
    expect(advisorySeverity(noVector)).toMatchObject({ severity: "high", source: "advisory label HIGH" });
    expect(advisorySeverity({ id: "X-1" }).severity).toBe("medium");
  });
});

describe("OSV range evaluation (schema semantics)", () => {
  it("last_affected includes the version itself", () => {
    const r = record([{ type: "ECOSYSTEM", events: [{ introduced: "1.0.0" }, { last_affected: "1.4.2" }] }]);
    expect(isAffected(r, "npm", "pkg", "1.4.2")).toBe(true);
    expect(isAffected(r, "npm", "pkg", "1.4.3")).toBe(false);
    expect(isAffected(r, "npm", "pkg", "0.9.0")).toBe(false);
  });

  it("sorts events itself and handles several intervals in one range", () => {
    const r = record([
      {
        type: "SEMVER",
        events: [{ fixed: "3.2.5" }, { introduced: "3.0.0" }, { fixed: "1.0.2" }, { introduced: "1.0.0" }],
      },
    ]);
    expect(["1.0.0", "1.0.1", "3.0.0", "3.2.4"].every((v) => isAffected(r, "npm", "pkg", v))).toBe(true);
    expect(["0.9.9", "1.0.2", "2.0.0", "3.2.5"].some((v) => isAffected(r, "npm", "pkg", v))).toBe(false);
  });

  it("limit events cap a range; '*' is no limit", () => {
    const limited = record([{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { limit: "2.0.0" }] }]);
    expect(isAffected(limited, "npm", "pkg", "1.9.9")).toBe(true);
    expect(isAffected(limited, "npm", "pkg", "2.0.0")).toBe(false);
    const star = record([{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { limit: "*" }] }]);
    expect(isAffected(star, "npm", "pkg", "99.0.0")).toBe(true);
  });

  it("matches an enumerated versions list, and ignores GIT ranges it cannot evaluate", () => {
    const r = record([{ type: "GIT", events: [{ introduced: "abc" }] }], { versions: ["1.2.3"] });
    expect(isAffected(r, "npm", "pkg", "1.2.3")).toBe(true);
    expect(isAffected(r, "npm", "pkg", "1.2.4")).toBe(false);
  });

  it("reads Go versions with or without the v prefix", () => {
    const r = record(
      [{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "0.17.0" }] }],
      {},
      "Go",
      "golang.org/x/net",
    );
    expect(isAffected(r, "Go", "golang.org/x/net", "v0.10.0")).toBe(true);
    expect(isAffected(r, "Go", "golang.org/x/net", "v0.17.0")).toBe(false);
    expect(isAffected(r, "Go", "golang.org/x/net", "v0.0.0-20220722155237-a158d28d115b")).toBe(true);
  });

  it("uses Maven's ordering for Maven ranges", () => {
    const r = record(
      [{ type: "ECOSYSTEM", events: [{ introduced: "2.13.0" }, { fixed: "2.13.4.2" }] }],
      {},
      "Maven",
      "com.fasterxml.jackson.core:jackson-databind",
    );
    expect(isAffected(r, "Maven", "com.fasterxml.jackson.core:jackson-databind", "2.13.4")).toBe(true);
    expect(isAffected(r, "Maven", "com.fasterxml.jackson.core:jackson-databind", "2.13.4.2")).toBe(false);
    expect(isAffected(r, "Maven", "com.fasterxml.jackson.core:jackson-databind", "2.13.0-rc1")).toBe(false);
  });

  it("does not report withdrawn advisories", () => {
    const r = {
      ...record([{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }]),
      withdrawn: "2024-01-01T00:00:00Z",
    };
    expect(isAffected(r, "npm", "pkg", "1.0.0")).toBe(false);
  });

  it.each([
    [[{ fixed: "1.0.0" }], /no "introduced"/],
    [[{ introduced: "0", fixed: "1.0.0" }], /exactly one/],
    [[{ introduced: "not a version" }], /introduced "not a version" is not a valid version/],
    [[{ introduced: "0" }, { fixed: 7 }], /fixed must be a version string/],
  ])("rejects an invalid range %j with a message naming the advisory", (events, message) => {
    const r = record([{ type: "ECOSYSTEM", events: events as OsvRange["events"] }]);
    expect(() => isAffected(r, "npm", "pkg", "0.5.0")).toThrow(InvalidRangeError);
    expect(() => isAffected(r, "npm", "pkg", "0.5.0")).toThrow(message);
    expect(() => isAffected(r, "npm", "pkg", "0.5.0")).toThrow(/TEST-1/);
  });
});
