import { access, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fullScanEnv, runSast, tempRepo } from "./helpers.ts";

const SOURCE = { "main.go": 'package main\n\nvar password = "hunter2"\n\nfunc main() {}\n' };

interface Result {
  uri: string;
  region?: Sarif.Region;
  suppressions?: unknown[];
  ruleId?: string;
}

/** gosec-like SARIF with the given rules and results: what third-party producers write. */
function gosec(rules: Record<string, unknown>[], results: Result[], driver: Record<string, unknown> = {}) {
  return {
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "gosec",
            version: "2.20.0",
            informationUri: "https://github.com/securego/gosec/",
            rules,
            ...driver,
          },
        },
        results: results.map((r) => ({
          ruleId: r.ruleId ?? "G101",
          level: "error",
          message: { text: "Potential hardcoded credentials" },
          locations: [
            { physicalLocation: { artifactLocation: { uri: r.uri }, region: r.region ?? { startLine: 3 } } },
          ],
          ...(r.suppressions ? { suppressions: r.suppressions } : {}),
        })),
      },
    ],
  };
}

describe("repairable defects in imported SARIF", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  beforeAll(async () => {
    repo = await tempRepo(SOURCE);
    await repo.commit("go");
  });
  afterAll(() => repo.cleanup());

  async function importing(log: unknown, name: string) {
    await writeFile(path.join(repo.dir, name), JSON.stringify(log));
    const result = await runSast({ input: name, output: `${name}.out` }, await fullScanEnv(repo.dir));
    const written = JSON.parse(await readFile(path.join(repo.dir, `${name}.out`), "utf8")) as Sarif.Log;
    return { result, written, run: written.runs[0] as Sarif.Run };
  }

  /** The warnings that say what was repaired. */
  const repairLines = (result: Awaited<ReturnType<typeof runSast>>) =>
    result.io.annotations
      .filter((a) => a.level === "warning" && a.message.includes("repaired:"))
      .map((a) => a.message);

  it("a helpUri that is not a URI (the attack: it crashed with 'built invalid SARIF') is dropped, said once for the file", async () => {
    const { result, written, run } = await importing(
      gosec(
        [
          { id: "G101", shortDescription: { text: "Hardcoded credentials" }, helpUri: "not a uri" },
          { id: "G104", shortDescription: { text: "Unchecked error" }, helpUri: "see the wiki" },
          {
            id: "G401",
            shortDescription: { text: "Weak hash" },
            helpUri: "https://cwe.mitre.org/data/definitions/328.html",
          },
        ],
        [
          { uri: "main.go" },
          { uri: "main.go", ruleId: "G104" },
          { uri: "main.go", ruleId: "G401", region: { startLine: 5 } },
        ],
      ),
      "help.sarif",
    );
    expect(validate(written)).toEqual({ valid: true, issues: [] });
    const rules = Object.fromEntries((run.tool.driver.rules ?? []).map((r) => [r.id, r.helpUri]));
    // A valid one is kept as it is.
    expect(rules).toEqual({
      G101: undefined,
      G104: undefined,
      G401: "https://cwe.mitre.org/data/definitions/328.html",
    });
    expect(repairLines(result)).toEqual([
      expect.stringMatching(
        /help\.sarif: repaired: 2 rule helpUri value\(s\) that are not absolute URIs were dropped \(first: "not a uri" of rule G101\)\.$/,
      ),
    ]);
  });

  it("regions that end before they start are cut to their start, said once", async () => {
    const { result, written, run } = await importing(
      gosec(
        [{ id: "G101", shortDescription: { text: "Hardcoded credentials" } }],
        [
          { uri: "main.go", region: { startLine: 3, endLine: 1 } },
          { uri: "main.go", region: { startLine: 5, startColumn: 9, endColumn: 2 } },
          { uri: "main.go", region: { startLine: 1, startColumn: 1, endLine: 3, endColumn: 2 } },
        ],
      ),
      "regions.sarif",
    );
    expect(validate(written)).toEqual({ valid: true, issues: [] });
    const regions = (run.results ?? []).map((r) => {
      const { snippet: _, ...region } = r.locations?.[0]?.physicalLocation?.region ?? {};
      return region;
    });
    expect(regions).toEqual([
      // A region that is in order stays as it is.
      { startLine: 1, startColumn: 1, endLine: 3, endColumn: 2 },
      { startLine: 3 },
      { startLine: 5, startColumn: 9 },
    ]);
    expect(repairLines(result)).toEqual([
      expect.stringContaining(
        "regions.sarif: repaired: 2 region(s) ending before they start were cut to their start",
      ),
    ]);
  });

  it("suppressions of an unknown kind are dropped (the finding counts); known ones are kept", async () => {
    const { result, run } = await importing(
      gosec(
        [{ id: "G101", shortDescription: { text: "Hardcoded credentials" } }],
        [
          { uri: "main.go", suppressions: [{ kind: "inline" }] },
          {
            uri: "main.go",
            region: { startLine: 5 },
            suppressions: [{ kind: "external", status: "accepted" }],
          },
        ],
      ),
      "suppressions.sarif",
    );
    expect((run.results ?? []).map((r) => r.suppressions)).toEqual([
      undefined,
      [{ kind: "external", status: "accepted" }],
    ]);
    expect(result.io.outputs["total-count"]).toBe("1");
    expect(repairLines(result)).toEqual([expect.stringContaining("1 suppression(s) of a kind or status")]);
  });

  it("a tool informationUri that is not a URI is replaced by secflow's name for the tool", async () => {
    const { written, run } = await importing(
      gosec([{ id: "G101", shortDescription: { text: "Hardcoded credentials" } }], [{ uri: "main.go" }], {
        informationUri: "gosec home page",
      }),
      "tool.sarif",
    );
    expect(validate(written).valid).toBe(true);
    expect(run.tool.driver.informationUri).toBe("urn:secflow:tool:gosec");
  });
});

describe("a URI that hides a path traversal in percent-encoding", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  beforeAll(async () => {
    repo = await tempRepo({ ...SOURCE, "src/a b.go": "package src\n" });
    await repo.commit("go");
  });
  afterAll(() => repo.cleanup());

  const RULES = [{ id: "G101", shortDescription: { text: "Hardcoded credentials" } }];

  for (const uri of [
    "src/%2e%2e/main.go",
    "src/%2E%2E/main.go",
    "src/..%2fmain.go",
    "%2e%2e/%2e%2e/etc/passwd",
  ]) {
    it(`is refused, naming the file, and nothing is written: ${uri}`, async () => {
      await writeFile(path.join(repo.dir, "trav.sarif"), JSON.stringify(gosec(RULES, [{ uri }])));
      const error = await runSast(
        { input: "trav.sarif", output: "trav.out" },
        await fullScanEnv(repo.dir),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^.*trav\\.sarif run 0 \\(gosec\\) result 0: the URI "${uri.replace(/[.%]/g, (c) => `\\${c}`)}" hides a "\\.\\." path segment in percent-encoding; secflow refuses it`,
        ),
      );
      const written = await access(path.join(repo.dir, "trav.out")).then(
        () => true,
        () => false,
      );
      expect(written).toBe(false);
    });
  }

  it("a percent-encoded name without traversal is read as before", async () => {
    await writeFile(
      path.join(repo.dir, "ok.sarif"),
      JSON.stringify(gosec(RULES, [{ uri: "src/a%20b.go", region: { startLine: 1 } }])),
    );
    const result = await runSast({ input: "ok.sarif", output: "ok.out" }, await fullScanEnv(repo.dir));
    const log = JSON.parse(await readFile(path.join(repo.dir, "ok.out"), "utf8")) as Sarif.Log;
    expect(log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      "src/a%20b.go",
    );
    expect(result.io.outputs["total-count"]).toBe("1");
  });
});
