import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "@secflow/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSarif, readSarifFile } from "../src/index.ts";
import { logOf } from "./helpers.ts";

const valid = JSON.stringify(logOf([{ ruleId: "r", path: "a.js", startLine: 1, snippet: "eval(x)" }]));

describe("reading SARIF", () => {
  it("reads a valid file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sarif-"));
    await writeFile(join(dir, "ok.sarif"), valid);
    expect((await readSarifFile(join(dir, "ok.sarif"))).runs).toHaveLength(1);
  });

  it("names the file and the problem", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sarif-"));
    const cases: [string, string, RegExp][] = [
      ["empty.sarif", "  ", /empty\.sarif: the file is empty/],
      ["truncated.sarif", valid.slice(0, 200), /truncated\.sarif: not valid JSON — the file ends early/],
      [
        "garbage.sarif",
        '{"version": "2.1.0",\n "runs": [x]}',
        /garbage\.sarif: not valid JSON — Unexpected token 'x'$/,
      ],
      [
        "old.sarif",
        '{"version": "1.0.0", "runs": []}',
        /old\.sarif: version "1\.0\.0"; only SARIF 2\.1\.0 is supported/,
      ],
      ["array.sarif", "[]", /expected a SARIF log object, found an array/],
      ["noruns.sarif", '{"version": "2.1.0"}', /"runs" must be an array/],
      ["notool.sarif", '{"version": "2.1.0", "runs": [{}]}', /\/runs\/0 has no tool\.driver\.name/],
    ];
    for (const [name, text, expected] of cases) {
      await writeFile(join(dir, name), text);
      await expect(readSarifFile(join(dir, name))).rejects.toThrow(expected);
    }
    await expect(readSarifFile(join(dir, "missing.sarif"))).rejects.toThrow(
      /missing\.sarif: cannot read SARIF file \(ENOENT\)/,
    );
    await expect(readSarifFile(dir)).rejects.toThrow(/is not a file/);
    await writeFile(join(dir, "big.sarif"), valid);
    await expect(readSarifFile(join(dir, "big.sarif"), { maxBytes: 100 })).rejects.toThrow(
      /larger than the 100 bytes/,
    );
  });

  it("lets nothing but UserError escape, whatever the bytes (property)", () => {
    const onlyUserErrors = (text: string) => {
      try {
        parseSarif(text, "input.sarif");
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        expect((error as Error).message.startsWith("input.sarif: ")).toBe(true);
      }
    };
    fc.assert(fc.property(fc.string(), onlyUserErrors), { numRuns: 300 });
    fc.assert(fc.property(fc.json(), onlyUserErrors), { numRuns: 300 });
    fc.assert(
      fc.property(fc.nat({ max: valid.length }), (cut) => onlyUserErrors(valid.slice(0, cut))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat({ max: valid.length - 1 }), fc.string({ maxLength: 3 }), (at, junk) =>
        onlyUserErrors(valid.slice(0, at) + junk + valid.slice(at + 1)),
      ),
      { numRuns: 300 },
    );
  });
});
