import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseResultText, streamSarif } from "../src/stream.ts";
import { logOf } from "./helpers.ts";

const dir = await mkdtemp(join(tmpdir(), "sarif-stream-"));
let files = 0;
async function fileOf(text: string | Buffer): Promise<string> {
  const file = join(dir, `${files++}.sarif`);
  await writeFile(file, text);
  return file;
}

/** What `streamSarif` hands over, as values: the emptied log and each run's results. */
async function streamed(file: string, chunkBytes?: number) {
  const results: unknown[][] = [];
  const rulesSeen: unknown[] = [];
  const { log, resultCounts } = await streamSarif(
    file,
    {
      result(text, run, index, rules) {
        (results[run] ??= [])[index] = parseResultText(text, file, run, index);
        rulesSeen[run] = rules;
      },
    },
    chunkBytes ? { chunkBytes } : {},
  );
  return { log, resultCounts, results, rulesSeen };
}

/** The log with its results emptied, and the results apart: what streaming must agree with. */
function expected(log: { runs: { results?: unknown[] }[] }) {
  const results = log.runs.map((run) => run.results ?? []);
  const emptied = { ...log, runs: log.runs.map((run) => (run.results ? { ...run, results: [] } : run)) };
  return { emptied, results };
}

// Strings that break naive scanners: quotes, backslash runs, brackets, non-ASCII.
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('"', "\\", "\\\\", '\\"', "}", "]", "{[", "é—✓", "𝄞", "\\u0000"),
  fc.string({ unit: fc.constantFrom('"', "\\", "{", "}", "[", "]", ",", "a", "é") }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    tricky,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(tricky, tie("node"), { maxKeys: 3 }),
  ),
})).node;
const result = fc.record({
  ruleId: tricky,
  message: fc.record({ text: tricky }),
  properties: fc.dictionary(tricky, value, { maxKeys: 3 }),
});
const run = fc.record(
  {
    tool: fc.record({
      driver: fc.record({ name: tricky, rules: fc.array(fc.record({ id: tricky }), { maxLength: 2 }) }),
    }),
    results: fc.array(result, { maxLength: 5 }),
    properties: fc.dictionary(tricky, value, { maxKeys: 2 }),
  },
  { requiredKeys: ["tool"] },
);
const log = fc.record({ version: fc.constant("2.1.0"), runs: fc.array(run, { maxLength: 3 }) });

describe("streaming a SARIF log", () => {
  it("hands over exactly the results JSON.parse sees, at any chunk size and spacing", async () => {
    await fc.assert(
      fc.asyncProperty(
        log,
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        async (sarif, chunkBytes, pretty) => {
          // Results before the tool in some runs: they wait for the run's rules.
          const text = JSON.stringify(sarif, null, pretty ? 2 : undefined);
          const file = await fileOf(text);
          const got = await streamed(file, chunkBytes);
          const want = expected(JSON.parse(text));
          expect(got.log).toEqual(want.emptied);
          want.results.forEach((results, r) => {
            expect(got.results[r] ?? []).toEqual(results);
            if (results.length) expect(got.rulesSeen[r]).toEqual(sarif.runs[r]?.tool.driver.rules);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("gives results written before their run's tool the rules that follow", async () => {
    const text =
      '{"version":"2.1.0","runs":[{"results":[{"ruleIndex":0,"message":{"text":"x"}}],"tool":{"driver":{"name":"t","rules":[{"id":"r0"}]}}}]}';
    const got = await streamed(await fileOf(text), 5);
    expect(got.rulesSeen[0]).toEqual([{ id: "r0" }]);
    expect(got.results[0]).toEqual([{ ruleIndex: 0, message: { text: "x" } }]);
  });

  it("reads a real secflow log as JSON.parse does, BOM and all", async () => {
    const sarif = logOf([
      { ruleId: "js/eval", path: "src/a b.js", startLine: 3, snippet: 'eval("}")' },
      { ruleId: "js/x", path: "src/é.js", startLine: 9, snippet: "x\\y" },
    ]);
    const text = `\ufeff${JSON.stringify(sarif, null, 2)}`;
    const got = await streamed(await fileOf(text), 3);
    const want = expected(sarif as never);
    expect(got.log).toEqual(want.emptied);
    expect(got.results).toEqual(want.results);
    expect(got.resultCounts).toEqual([2]);
  });

  it("refuses malformed logs with one clear line", async () => {
    const good = JSON.stringify(logOf([{ ruleId: "r", path: "a.js", startLine: 1 }]));
    const deep = `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"a":${"[".repeat(5000)}${"]".repeat(5000)}}]}]}`;
    const cases: [string | Buffer, RegExp][] = [
      ["", /the file is empty/],
      [good.slice(0, good.length - 40), /not valid JSON — the file ends early/],
      [`${good} x`, /not valid JSON/],
      [
        '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[1]}]}',
        /\/runs\/0\/results\/0 is not an object/,
      ],
      ['{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{},]}]}', /not valid JSON/],
      [
        '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[],"results":[]}]}',
        /two "results" members/,
      ],
      ['{"version":"2.1.0","runs":[],"runs":[]}', /two "runs" members/],
      [deep, /nested more than 100 levels deep/],
      ['{"version":"1.0.0","runs":[]}', /only SARIF 2\.1\.0 is supported/],
      ["[]", /expected a SARIF log object/],
      [Buffer.alloc(1000), /not valid JSON/],
    ];
    for (const [text, message] of cases) {
      const file = await fileOf(text);
      await expect(streamed(file, 16), JSON.stringify(String(text).slice(0, 60))).rejects.toThrow(message);
      await expect(streamed(file, 16)).rejects.toThrow(/^[^\n]+$/);
    }
  });

  it("names a result that is not valid JSON: where in the file, for a small one", async () => {
    const file = await fileOf(
      '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"a":tru}]}]}',
    );
    await expect(streamed(file)).rejects.toThrow(/^[^\n]+: not valid JSON — Unexpected token/);
    expect(() => parseResultText('{"a":tru}', "big.sarif", 0, 7)).toThrow(
      /^big\.sarif: \/runs\/0\/results\/7 is not valid JSON/,
    );
  });
});
