import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Keep, MalformedJson, PruningReader } from "../src/pruning-reader.ts";

/** Whether the reader takes `text` as exactly one well-formed JSON value. */
function readerAccepts(text: string): boolean {
  const reader = new PruningReader(text);
  try {
    reader.skip();
    return reader.pos === text.length;
  } catch (error) {
    if (error instanceof MalformedJson) return false;
    throw error;
  }
}

function parseAccepts(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON.parse allows whitespace around the value; the reader starts and ends at the value. */
const trimJsonSpace = (text: string) => text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, "");

const KEEP: Keep = { a: true, b: { c: true }, d: [{ e: true }] };

describe("pruning reader", () => {
  it("reads values whole as JSON.parse does (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, "\t"), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(new PruningReader(text).read(true)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it("accepts exactly what JSON.parse accepts (property)", () => {
    const texts = fc.oneof(
      fc.json().map(trimJsonSpace),
      // Valid JSON with a few characters replaced, inserted or cut.
      fc
        .tuple(fc.json(), fc.nat(), fc.string({ maxLength: 2, unit: "binary-ascii" }), fc.nat({ max: 2 }))
        .map(([json, at, junk, cut]) => {
          const i = at % (json.length + 1);
          return trimJsonSpace(json.slice(0, i) + junk + json.slice(i + cut));
        }),
      fc.constantFrom(
        '"a\\x"',
        '"\\u12G4"',
        '"tab\there"',
        '"line\nbreak"',
        "01",
        "1.",
        "-",
        "1e",
        "+1",
        "[1,]",
        '{"a":1,}',
        '{"a" 1}',
        "[1 2]",
        "tru",
        "nul",
        '{"a":1}}',
        "[[]",
        '"\\"',
        '"\\\\"',
        '"\\\\\\""',
        '{"\\u0061":[true,false,null,-0.5e+3,"\\ud83d\\ude00"]}',
      ),
    );
    fc.assert(
      fc.property(texts, (text) => {
        expect(readerAccepts(text)).toBe(parseAccepts(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps only what it is asked for, and values of another shape whole", () => {
    const read = (value: unknown) => new PruningReader(JSON.stringify(value)).read(KEEP);
    expect(read({ a: { x: 1 }, b: { c: "y", z: 2 }, d: [{ e: 3, f: 4 }, { e: 5 }], g: 6 })).toEqual({
      a: { x: 1 },
      b: { c: "y" },
      d: [{ e: 3 }],
    });
    expect(read({ b: "not an object", d: { 0: { e: 1 } } })).toEqual({
      b: "not an object",
      d: { 0: { e: 1 } },
    });
    expect(read({ b: [1], d: [] })).toEqual({ b: [1], d: [] });
    // The last of repeated members wins, as with JSON.parse.
    expect(new PruningReader('{"b":{"c":1},"b":{"x":2}}').read(KEEP)).toEqual({ b: {} });
    // Escaped keys are compared decoded.
    expect(new PruningReader('{"\\u0061":1,"\\u0062":{"\\u0063":2}}').read(KEEP)).toEqual({
      a: 1,
      b: { c: 2 },
    });
  });

  it("reads a sequence of values from where it is told, checking each", () => {
    const text = '[{"a":"x\\"y"}, {"a":"\\u00e9\\\\"},\n  {"a":1.5e2}, {"a":"\u0001"}]';
    const reader = new PruningReader(text);
    const starts = [...text.matchAll(/\{/g)].map((match) => match.index);
    const values = starts.slice(0, 3).map((start) => {
      reader.pos = start;
      return reader.read(KEEP);
    });
    expect(values).toEqual([{ a: 'x"y' }, { a: "é\\" }, { a: 150 }]);
    reader.pos = starts[3] as number;
    expect(() => reader.read(KEEP)).toThrow(MalformedJson);
  });
});
