// Imported SARIF read as GitHub's ingestion reads it, on real third-party files
// (test/fixtures/imported-sarif, sources in its README): artifact-indexed locations,
// originalUriBaseIds, nested artifacts, URIs relative to the repository root, and the evidence
// a result carries (code flows, related locations, fixes). Each test states what the file holds.

import { copyFile, readFile } from "node:fs/promises";
import path from "node:path";
import { decodePath, type ResultInput, RunBuilder, type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImportedFinding } from "../src/adapters/sarif-import.ts";
import { importInput } from "../src/import-inputs.ts";
import { fullScanEnv, runSast, tempRepo } from "./helpers.ts";

const FIXTURES = path.join(import.meta.dirname, "fixtures/imported-sarif");

/** `n` numbered lines of code, so every region of the fixtures lies in its file. */
const lines = (n: number, comment = "//") =>
  `${Array.from({ length: n }, (_, i) => `${comment} line ${i + 1}`).join("\n")}\n`;

// The files the fixtures name, where they name them.
const SOURCES = {
  "testFile1.js": lines(3),
  "testFile2.js": lines(3),
  "Helpers/InvoiceHelper.cs": lines(70),
  "src/handler.py": lines(50, "#"),
  "src/routes/api.ts": lines(20),
  "collections/list.h": lines(30),
  "file.c": lines(3),
  "README.md": "# project\n",
  "src/io/kb.c": lines(3),
  "file.cs": lines(3),
  "3-Beyond-basics/bad-eval.py": lines(5, "#"),
  "FunctionalTestOutput.BaselineOption/ToBeValidated.sarif": lines(30),
};

/** "path:line" of a location. */
function at(location: Sarif.Location | undefined): string {
  const physical = location?.physicalLocation;
  return `${decodePath(physical?.artifactLocation?.uri ?? "")}:${physical?.region?.startLine ?? ""}`;
}

const warningsOf = (result: Awaited<ReturnType<typeof runSast>>) =>
  result.io.annotations.filter((a) => a.level === "warning").map((a) => a.message);

/**
 * Whether the profile builder writes a result's evidence. The builder (packages/sarif) is the
 * lead's; until it copies codeFlows, relatedLocations and fixes, the test of the written file
 * waits and the evidence is checked where the builder will put it.
 */
const builderWritesEvidence = (() => {
  const builder = new RunBuilder({
    action: "sast",
    actionVersion: "0.0.0",
    mode: "full",
    tool: { name: "probe", informationUri: "https://example.com/" },
  });
  builder.rule({ id: "r", shortDescription: "r", severity: "low" });
  const input = {
    ruleId: "r",
    message: "m",
    path: "a",
    startLine: 1,
    category: "sast",
    relatedLocations: [{}],
  };
  builder.result(input as ResultInput);
  return builder.build().results?.[0]?.relatedLocations !== undefined;
})();

describe("imported SARIF: what GitHub's ingestion keeps is kept (real third-party files)", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  beforeAll(async () => {
    repo = await tempRepo(SOURCES);
    await repo.commit("sources the fixtures point at");
  });
  afterAll(() => repo.cleanup());

  /** Imports a fixture through the CLI's run, as a user would; returns the written file. */
  async function importing(fixture: string, inputs: Record<string, string> = {}, dir = repo.dir) {
    await copyFile(path.join(FIXTURES, fixture), path.join(dir, fixture));
    const output = `${fixture}.out`;
    const result = await runSast({ input: fixture, output, ...inputs }, await fullScanEnv(dir));
    const written = JSON.parse(await readFile(path.join(dir, output), "utf8")) as Sarif.Log;
    const results = written.runs.flatMap((run) => run.results ?? []);
    return { result, written, results, kept: results.map((r) => at(r.locations?.[0])).sort() };
  }

  /** The findings the importer reads from a fixture, with their evidence. */
  async function findingsOf(fixture: string): Promise<ImportedFinding[]> {
    const reports = await importInput(path.join(FIXTURES, fixture), {
      toolCwd: repo.dir,
      repoRoot: repo.dir,
    });
    return reports.flatMap((report) => report.findings as ImportedFinding[]);
  }

  /**
   * The written log with each result's evidence where the builder puts result members, then
   * validated: SARIF 2.1.0, the secflow profile and GitHub's rules.
   */
  function validateWithEvidence(log: Sarif.Log, findings: ImportedFinding[]) {
    for (const result of log.runs.flatMap((run) => run.results ?? [])) {
      const finding = findings.find(
        (f) => f.ruleId === result.ruleId && `${f.path}:${f.startLine}` === at(result.locations?.[0]),
      );
      if (!finding) throw new Error(`no finding for ${result.ruleId} at ${at(result.locations?.[0])}`);
      const { codeFlows, relatedLocations, fixes } = finding;
      Object.assign(result, {
        ...(codeFlows ? { codeFlows } : {}),
        ...(relatedLocations ? { relatedLocations } : {}),
        ...(fixes ? { fixes } : {}),
      });
    }
    return validate(log);
  }

  it("codeql-action: a result located only by run.artifacts[index] is kept (2 results kept, was 1)", async () => {
    const { result, written, kept } = await importing("codeql-action-fingerprinting.input.sarif");
    expect(kept).toEqual(["testFile1.js:1", "testFile2.js:2"]);
    expect(warningsOf(result).filter((w) => w.includes("no file location"))).toEqual([]);
    expect(validate(written)).toEqual({ valid: true, issues: [] });
  });

  it("Fortify: an artifact-indexed result under a SRCROOT of the scanning machine is kept with its code flow and related location (1 kept, was 0)", async () => {
    const { written, kept } = await importing("fortify-OneResultBasic.fpr.sarif");
    // SRCROOT is file:///root/projects/myproject/src/ there; GitHub reads the rest from the root.
    expect(kept).toEqual(["Helpers/InvoiceHelper.cs:57"]);
    expect(validate(written)).toEqual({ valid: true, issues: [] });

    const [finding, ...others] = await findingsOf("fortify-OneResultBasic.fpr.sarif");
    expect(others).toEqual([]);
    expect(finding?.codeFlows).toEqual([
      {
        threadFlows: [
          {
            locations: [
              {
                location: expect.objectContaining({
                  physicalLocation: expect.objectContaining({
                    artifactLocation: { uri: "Helpers/InvoiceHelper.cs", uriBaseId: "%SRCROOT%" },
                    region: expect.objectContaining({ startLine: 57 }),
                    contextRegion: expect.objectContaining({ startLine: 54, endLine: 60 }),
                  }),
                  message: { text: "SqlCommand.ctor()" },
                }),
                kinds: ["call", "function"],
              },
            ],
          },
        ],
      },
    ]);
    expect(finding?.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: "Helpers/InvoiceHelper.cs", uriBaseId: "%SRCROOT%" },
          region: { startLine: 57 },
        },
      },
    ]);
    expect(validateWithEvidence(written, [finding as ImportedFinding])).toEqual({ valid: true, issues: [] });
  });

  it("sarif-sdk AI example: fixes, a code flow and a related location are kept (2 kept; 1 with a code flow, 1 with a related location, 3 fixes)", async () => {
    const { written, kept } = await importing("sarif-sdk-ai-example.sarif");
    expect(kept).toEqual(["src/handler.py:39", "src/handler.py:42"]);
    const findings = await findingsOf("sarif-sdk-ai-example.sarif");
    const summary = findings.map((f) => ({
      at: `${f.path}:${f.startLine}`,
      steps: f.codeFlows?.map((flow) =>
        flow.threadFlows.flatMap((t) => t.locations.map((s) => at(s.location))),
      ),
      related: f.relatedLocations?.map(at),
      fixes: f.fixes?.map((fix) =>
        fix.artifactChanges.map(
          (change) =>
            `${change.artifactLocation.uri}:${change.replacements.map((r) => `${r.deletedRegion.startLine}-${r.deletedRegion.endLine}`)}`,
        ),
      ),
    }));
    expect(summary).toEqual([
      {
        at: "src/handler.py:42",
        steps: [["src/handler.py:38", "src/handler.py:42"]],
        related: ["src/routes/api.ts:15"],
        fixes: [["src/handler.py:38-43"], ["src/routes/api.ts:15-15"]],
      },
      { at: "src/handler.py:39", steps: undefined, related: undefined, fixes: [["src/handler.py:39-39"]] },
    ]);
    expect(findings[0]?.fixes?.[0]?.artifactChanges[0]?.replacements[0]?.insertedContent?.text).toMatch(
      /^ {4}ALLOWED_COMMANDS = /,
    );
    expect(validateWithEvidence(written, findings)).toEqual({ valid: true, issues: [] });
  });

  it("sarif-sdk GitHubIngestionVisitor input: steps that refer to run.threadFlowLocations are inlined as the SDK's GitHub ingestion expects", async () => {
    const { written, kept } = await importing("sarif-sdk-ingestion-ThreadFlowLocations.sarif");
    expect(kept).toEqual(["file.c:1"]);
    const [finding] = await findingsOf("sarif-sdk-ingestion-ThreadFlowLocations.sarif");
    const steps = finding?.codeFlows?.[0]?.threadFlows[0]?.locations ?? [];
    // As in the SDK's ExpectedOutputs/ThreadFlowLocations.sarif: the shared step's location and
    // kinds, the step's own message when it has one, and its own importance and nesting level.
    expect(
      steps.map((s) => [at(s.location), s.location?.message?.text, s.kinds, s.importance, s.nestingLevel]),
    ).toEqual([
      ["collections/list.h:15", "Variable 'ptr' declared.", undefined, "essential", 0],
      ["collections/list.h:18", undefined, undefined, "unimportant", 1],
      [
        "collections/list.h:25",
        "Uninitialized variable 'ptr' passed to method 'add_core'.",
        ["enter"],
        "essential",
        0,
      ],
    ]);
    expect(validateWithEvidence(written, finding ? [finding] : [])).toEqual({ valid: true, issues: [] });
  });

  it("sarif-tutorials CodeFlows: both code flows of the result are kept, 3 steps each", async () => {
    const { written, kept } = await importing("tutorials-CodeFlows.sarif");
    expect(kept).toEqual(["collections/list.h:25"]);
    const [finding] = await findingsOf("tutorials-CodeFlows.sarif");
    expect(
      finding?.codeFlows?.map((flow) => [
        flow.message?.text,
        flow.threadFlows.flatMap((t) => t.locations.map((s) => at(s.location))),
      ]),
    ).toEqual([
      [
        "Path from declaration to usage.",
        ["collections/list.h:15", "collections/list.h:18", "collections/list.h:25"],
      ],
      [
        "Alternate path from declaration to usage.",
        ["collections/list.h:15", "collections/list.h:22", "collections/list.h:25"],
      ],
    ]);
    expect(validateWithEvidence(written, finding ? [finding] : [])).toEqual({ valid: true, issues: [] });
  });

  it("sarif-tutorials originalUriBaseIds: SRCROOT = src/ under REPOROOT (no URI: the repository root) resolves to src/ (2 kept; the folder result left out)", async () => {
    const { result, written, kept } = await importing("tutorials-OriginalUriBaseIds.sarif");
    expect(kept).toEqual(["README.md:1", "src/io/kb.c:1"]);
    expect(warningsOf(result)).toContainEqual(
      expect.stringContaining("1 result(s) point outside the repository and were left out (first: .)"),
    );
    expect(validate(written)).toEqual({ valid: true, issues: [] });
  });

  it("sarif-sdk Partition input: a nested artifact's result goes on its outermost file, said once; missing files are counted once per file (5 kept, was 1)", async () => {
    const { result, written, kept } = await importing("sarif-sdk-Partition.sarif");
    // Run 0: artifact 0 (file1) is nested in file5, nested in file6; artifact 2 has a URI. Run 1:
    // three results in file4 (by index) and one in file1 (by URI).
    expect(kept).toEqual(["file1:1", "file4:1", "file4:1", "file4:1", "file6:1"]);
    const warnings = warningsOf(result);
    expect(warnings).toContainEqual(
      expect.stringMatching(/: 1 result\(s\) are in files nested in other files .*\(first: file1 in file6\)/),
    );
    // One line per run, however many results: 4 results in 2 files. (Each run of an imported
    // file is read on its own, so both are named "run 0".)
    expect(warnings.filter((w) => w.includes("do not exist in the repository"))).toEqual([
      expect.stringMatching(
        /: 1 result\(s\) are in 1 file\(s\) that do not exist in the repository \(file6\); they are kept/,
      ),
      expect.stringMatching(
        /: 4 result\(s\) are in 2 file\(s\) that do not exist in the repository \(file4, file1\); they are kept/,
      ),
    ]);
    expect(validate(written)).toEqual({ valid: true, issues: [] });
  });

  it("sarif-sdk TEST1001 baseline: 13 artifact-indexed results are kept (was 0); an empty ruleId takes the rule its ruleIndex names", async () => {
    const { written, results, kept } = await importing("sarif-sdk-TEST1001.Baseline.sarif");
    const file = "FunctionalTestOutput.BaselineOption/ToBeValidated.sarif";
    expect(kept).toEqual([
      `${file}:15`,
      `${file}:21`,
      ...Array(9).fill(`${file}:27`),
      `${file}:5`,
      `${file}:9`,
    ]);
    const rules = results.map((r) => r.ruleId);
    expect(new Set(rules)).toEqual(
      new Set(["SARIF2003", "SARIF2002", "ADO1003", "GHAS1003", "SARIF2005", "SARIF2012"]),
    );
    // The two results with ruleId "" and ruleIndex 0 are SARIF2003's, as is the one at line 5.
    expect(rules.filter((id) => id === "SARIF2003")).toHaveLength(3);
    expect(validate(written)).toEqual({ valid: true, issues: [] });
  });

  it("sarif-sdk GH1005: a related location that is not a repository file is left out with one warning; its result is kept", async () => {
    const { result, written, kept } = await importing(
      "sarif-sdk-GH1005-LocationsMustBeRelativeUrisOrFilePaths_Valid.sarif",
    );
    expect(kept).toEqual(["file.cs:1"]);
    const warnings = warningsOf(result);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /: 1 related location\(s\) could not be resolved to a file in the repository or repaired, and were left out; their results are kept \(first: .* result 0 relatedLocation 1\)\.$/,
      ),
    );
    expect(warnings).toContainEqual(
      expect.stringContaining(
        "1 result(s) point outside the repository and were left out (first: https://www.example.com/code/file.cs)",
      ),
    );
    const findings = await findingsOf("sarif-sdk-GH1005-LocationsMustBeRelativeUrisOrFilePaths_Valid.sarif");
    expect(findings.map((f) => f.relatedLocations?.map(at))).toEqual([["file.cs:"]]);
    expect(validateWithEvidence(written, findings)).toEqual({ valid: true, issues: [] });
  });

  it.skipIf(!builderWritesEvidence)(
    "the written file carries the evidence (Fortify: 1 code flow, 1 related location)",
    async () => {
      const { results } = await importing("fortify-OneResultBasic.fpr.sarif");
      expect(results.map((r) => [r.codeFlows?.length, r.relatedLocations?.map(at)])).toEqual([
        [1, ["Helpers/InvoiceHelper.cs:57"]],
      ]);
    },
  );
});

describe("imported URIs are read from the repository root, not the scanned folder", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  beforeAll(async () => {
    repo = await tempRepo({
      "3-Beyond-basics/bad-eval.py": lines(5, "#"),
      "services/api/testFile1.js": lines(3),
      "services/api/testFile2.js": lines(3),
    });
    await repo.commit("sources");
  });
  afterAll(() => repo.cleanup());

  async function importing(fixture: string, scanPath: string) {
    await copyFile(path.join(FIXTURES, fixture), path.join(repo.dir, fixture));
    const output = `${fixture}.out`;
    const result = await runSast({ input: fixture, output, path: scanPath }, await fullScanEnv(repo.dir));
    const written = JSON.parse(await readFile(path.join(repo.dir, output), "utf8")) as Sarif.Log;
    const results = written.runs.flatMap((run) => run.results ?? []);
    return { result, written, kept: results.map((r) => at(r.locations?.[0])).sort() };
  }

  it("sarif-tutorials bad-eval: with path 3-Beyond-basics, 3-Beyond-basics/bad-eval.py stays where it is (no 3-Beyond-basics/3-Beyond-basics/…)", async () => {
    const { result, written, kept } = await importing(
      "tutorials-bad-eval-related-locations.sarif",
      "3-Beyond-basics",
    );
    expect(kept).toEqual(["3-Beyond-basics/bad-eval.py:4"]);
    expect(warningsOf(result).filter((w) => w.includes("do not exist"))).toEqual([]);
    expect(validate(written)).toEqual({ valid: true, issues: [] });
  });

  it("codeql-action: URIs written relative to the scanned folder are kept as GitHub reads them, with one warning that names the files and where they are", async () => {
    const { result, written, kept } = await importing(
      "codeql-action-fingerprinting.input.sarif",
      "services/api",
    );
    expect(kept).toEqual(["testFile1.js:1", "testFile2.js:2"]);
    expect(warningsOf(result).filter((w) => w.includes("do not exist"))).toEqual([
      expect.stringMatching(
        /: 2 result\(s\) are in 2 file\(s\) that do not exist in the repository \(testFile1\.js, testFile2\.js\); they are kept\. Relative URIs are read from the repository root, as GitHub reads them\. services\/api\/testFile1\.js exists: the tool wrote paths relative to the scanned folder/,
      ),
    ]);
    expect(validate(written)).toEqual({ valid: true, issues: [] });
  });
});
