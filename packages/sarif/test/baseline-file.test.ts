import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  applyBaseline,
  type BaselineOptions,
  baselineFiles,
  parseSarif,
  readSarifFile,
  type Sarif,
} from "../src/index.ts";
import { logOf } from "./helpers.ts";

let dir: string;
let serial = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "baseline-file-"));
});

/**
 * Runs `baselineFiles` on the two texts and checks its output is, as data, what `applyBaseline`
 * makes of them in memory, with the same counts.
 */
async function sameAsInMemory(baseText: string, headText: string, options: BaselineOptions = {}) {
  const n = serial++;
  const files = {
    base: join(dir, `base-${n}.sarif`),
    head: join(dir, `head-${n}.sarif`),
    output: join(dir, `out-${n}.sarif`),
  };
  await writeFile(files.base, baseText);
  await writeFile(files.head, headText);
  const counts = await baselineFiles(files, options);
  const expected = applyBaseline(parseSarif(baseText, "base"), parseSarif(headText, "head"), options);
  const text = await readFile(files.output, "utf8");
  expect(JSON.parse(text)).toEqual(expected.log);
  expect(counts).toEqual(expected.counts);
  return { text, log: JSON.parse(text) as Sarif.Log, counts };
}

const f = (path: string, startLine: number, snippet: string, ruleId = "eval") => ({
  path,
  startLine,
  snippet,
  ruleId,
});
const base = logOf([
  f("a.js", 10, "eval(a)"),
  f("a.js", 20, "exec(b)", "exec"),
  f("old.js", 5, "gone()", "gone"),
]);
const head = logOf([f("a.js", 15, "eval(a)"), f("a.js", 25, "exec(b)", "exec"), f("a.js", 3, "eval(c)")]);

describe("baselineFiles", () => {
  it("matches applyBaseline on compact and pretty-printed logs", async () => {
    for (const indent of [undefined, 2, "\t"]) {
      const [b, h] = [JSON.stringify(base, null, indent), JSON.stringify(head, null, indent)];
      const { text, counts } = await sameAsInMemory(b, h, { includeAbsent: true });
      expect(counts).toEqual({ new: 1, unchanged: 2, updated: 0, absent: 1 });
      // The head's own text is kept, formatting included.
      if (indent) expect(text).toMatch(/\n\s+"ruleId": "eval",\n/);
    }
  });

  it("follows renames, and lists absent results with their rules copied into the head run", async () => {
    const renamed = logOf([f("new.js", 5, "gone()", "gone")]);
    const options = { renames: new Map([["old.js", "new.js"]]), includeAbsent: true };
    const { log, counts } = await sameAsInMemory(JSON.stringify(base), JSON.stringify(renamed), options);
    expect(counts).toEqual({ new: 0, unchanged: 1, updated: 0, absent: 2 });
    expect(log.runs[0]?.tool.driver.rules?.map((r) => r.id)).toEqual(["gone", "eval", "exec"]);
  });

  it("reads strings with escapes, unicode and CRLF line ends", async () => {
    const tricky = logOf([
      {
        path: "src/ä ö/x.js",
        startLine: 3,
        snippet: 'say("hi \\"there\\"")\t\\n',
        ruleId: "r\\1",
        message: "é 😀 \u2028",
      },
      { path: "b.js", startLine: 4, snippet: "  spaced   out  ", ruleId: 'q"' },
    ]);
    const text = JSON.stringify(tricky, null, 2).replace(/\n/g, "\r\n");
    // The same log with every non-ASCII character written as an escape.
    const escaped = JSON.stringify(tricky).replace(
      /[^\x20-\x7e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    const { counts } = await sameAsInMemory(escaped, text);
    expect(counts.unchanged).toBe(2);
    await sameAsInMemory(text, JSON.stringify(logOf([f("b.js", 9, "spaced out", 'q"')])));
  });

  it("replaces a baselineState the head already has, and skips absent base results", async () => {
    const b = JSON.stringify(base).replace('"ruleId":"exec"', '"baselineState":"absent","ruleId":"exec"');
    const h = JSON.stringify(head)
      .replace('"ruleId":"eval"', '"baselineState" : "updated" ,"ruleId":"eval"')
      .replace('"ruleId":"exec"', '"baselineState":"new","ruleId":"exec"');
    const { log } = await sameAsInMemory(b, h, { includeAbsent: true });
    expect(log.runs[0]?.results?.map((r) => r.baselineState)).toEqual(["new", "unchanged", "new", "absent"]);
  });

  it("handles several runs, runs without results and runs without a base", async () => {
    const run = (category: string, findings: ReturnType<typeof f>[]) =>
      logOf(findings, { category }).runs[0] as Sarif.Run;
    const noResults = ({ results, ...rest }: Sarif.Run) => rest as Sarif.Run;
    const b: Sarif.Log = {
      ...base,
      runs: [
        run("one", [f("a.js", 1, "x()")]),
        run("two", [f("b.js", 2, "y()")]),
        run("three", [f("c.js", 3, "z()")]),
      ],
    };
    const h: Sarif.Log = {
      ...base,
      runs: [
        noResults(run("two", [])),
        run("one", [f("a.js", 4, "x()"), f("a.js", 5, "w()")]),
        run("four", [f("d.js", 1, "v()")]),
        run("one", [f("a.js", 1, "x()")]),
        { ...run("three", []), results: [] },
      ],
    };
    for (const includeAbsent of [false, true]) {
      await sameAsInMemory(JSON.stringify(b), JSON.stringify(h), { includeAbsent });
    }
  });

  it("reads results that come before their run's tool, empty results and escaped keys", async () => {
    const text = `\ufeff{"version":"2.1.0","runs":[{"results":[{},{ },{"ruleIndex":0,"message":{"text":"m"}},
      {"rule\\u0049d":"r1","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.js"},
      "region":{"startLine":2,"snippet":{"text":"x"}}}}]}],"tool":{"driver":{"name":"T","rules":[{"id":"r0"}]}}}]}`;
    await sameAsInMemory(text, text);
    await sameAsInMemory(JSON.stringify(base), text, { includeAbsent: true });
  });

  it("refuses a log whose runs cannot be read apart, and reads odd shapes as applyBaseline does", async () => {
    // A second "results", "runs" or "tool": JSON.parse would keep the last one silently.
    const ambiguous = [
      '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"T"}},"results":[{"ruleId":"a"}],"results":[]}]}',
      '{"version":"2.1.0","runs":[],"runs":[{"tool":{"driver":{"name":"T"}},"results":[{"ruleId":"a"}]}]}',
      '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"T"}},"tool":{"driver":{"name":"U"}},"results":[]}]}',
    ];
    for (const [i, text] of ambiguous.entries()) {
      const file = join(dir, `ambiguous-${i}.sarif`);
      await writeFile(file, text);
      const output = join(dir, "never.sarif");
      await expect(baselineFiles({ base: file, head: file, output })).rejects.toThrow(
        /has two "(results|runs|tool)" members/,
      );
    }
    // Odd shapes: a message that is a string, locations that are an object.
    const odd =
      '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"T"}},"results":[{"ruleId":"a","message":"m","locations":{"0":{}}}]}]}';
    await sameAsInMemory(odd, odd, { includeAbsent: true });
  });

  it("names the file and the problem for malformed input, as readSarifFile does", async () => {
    const valid = JSON.stringify(head);
    const cases = [
      "  ",
      valid.slice(0, 200),
      '{"version": "2.1.0",\n "runs": [x]}',
      '{"version": "1.0.0", "runs": []}',
      "[]",
      '{"version": "2.1.0"}',
      '{"version": "2.1.0", "runs": [{}]}',
      valid.replace('"text":"eval(a)"', '"text":"eval(a)\u0001"'),
      valid.replace('"startLine":15', '"startLine":015'),
      valid.replace('"text":"eval(a)"', '"text":"eval\\x(a)"'),
      valid.replace('"ruleId":"eval"', '"ruleId":"eval",'),
      valid.replace(/}$/, "}}"),
      `${valid} x`,
    ];
    for (const [i, text] of cases.entries()) {
      const file = join(dir, `malformed-${i}.sarif`);
      await writeFile(file, text);
      const message = await readSarifFile(file).then(
        () => "no error",
        (error: Error) => error.message,
      );
      expect(message).toContain(file);
      const good = join(dir, "good.sarif");
      await writeFile(good, valid);
      const output = join(dir, "never.sarif");
      await expect(baselineFiles({ base: file, head: good, output })).rejects.toThrow(message);
      await expect(baselineFiles({ base: good, head: file, output })).rejects.toThrow(message);
    }
    await expect(
      baselineFiles({
        base: join(dir, "missing.sarif"),
        head: join(dir, "good.sarif"),
        output: join(dir, "x"),
      }),
    ).rejects.toThrow(/missing\.sarif: cannot read SARIF file \(ENOENT\)/);
  });

  it("matches applyBaseline on generated logs (property)", async () => {
    const text = fc.oneof(
      fc.constantFrom(
        "eval(x)",
        "eval( x )",
        " eval(x)\n",
        'a"b',
        "back\\slash",
        "é",
        "😀",
        "\u2028",
        "",
        " ",
      ),
      fc.string({ maxLength: 6, unit: "binary" }),
    );
    const result = fc
      .record(
        {
          ruleId: fc.constantFrom("r0", "r1", "r2"),
          ruleIndex: fc.nat({ max: 3 }),
          message: text,
          uri: fc.constantFrom("a.js", "src/b c.js", "src/b%20c.js", "ü.py"),
          startLine: fc.nat({ max: 30 }),
          snippet: text,
          baselineState: fc.constantFrom("new", "unchanged", "absent"),
          properties: fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }), {
            maxKeys: 2,
          }),
        },
        { requiredKeys: ["message"] },
      )
      .map(({ ruleId, ruleIndex, message, uri, startLine, snippet, baselineState, properties }) => {
        const region = {
          ...(startLine !== undefined && { startLine }),
          ...(snippet !== undefined && { snippet: { text: snippet } }),
        };
        const location = {
          physicalLocation: { ...(uri !== undefined && { artifactLocation: { uri } }), region },
        };
        return {
          ...(ruleId !== undefined && { ruleId }),
          ...(ruleIndex !== undefined && { ruleIndex }),
          message: { text: message },
          ...((uri !== undefined || startLine !== undefined) && { locations: [location] }),
          ...(baselineState !== undefined && { baselineState }),
          ...(properties !== undefined && { properties }),
        } as Sarif.Result;
      });
    const run = fc
      .record(
        {
          category: fc.constantFrom("c1", "c2"),
          rules: fc.constant([{ id: "r0" }, { id: "r1" }]),
          results: fc.array(result, { maxLength: 10 }),
          secflow: fc.constant({ mode: "full" }),
        },
        { requiredKeys: [] },
      )
      .map(
        ({ category, rules, results, secflow }) =>
          ({
            tool: { driver: { name: "T", ...(rules && { rules }) } },
            ...(category && { automationDetails: { id: category } }),
            ...(results && { results }),
            ...(secflow && { properties: { secflow } }),
          }) as Sarif.Run,
      );
    const log = fc.array(run, { maxLength: 3 }).map((runs) => ({ version: "2.1.0", runs }) as Sarif.Log);
    const format = fc.record({
      indent: fc.constantFrom(undefined, 2, "\t"),
      bom: fc.boolean(),
      crlf: fc.boolean(),
    });
    const write = (
      value: Sarif.Log,
      { indent, bom, crlf }: { indent?: number | string; bom: boolean; crlf: boolean },
    ) => {
      const json = JSON.stringify(value, null, indent);
      return (bom ? "\ufeff" : "") + (crlf ? json.replace(/\n/g, "\r\n") : json);
    };
    const options = fc.record({
      includeAbsent: fc.boolean(),
      renames: fc.constantFrom(undefined, new Map([["a.js", "src/b c.js"]])),
    });
    await fc.assert(
      fc.asyncProperty(log, log, format, format, options, async (b, h, bFormat, hFormat, opts) => {
        const [bText, hText] = [write(b, bFormat), write(h, hFormat)];
        await sameAsInMemory(bText, hText, opts);
      }),
      { numRuns: 200 },
    );
  });
});
