import { readFile } from "node:fs/promises";
import { actionTables, tableRows as table } from "@secflow/kit/testing";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const read = (file: string) => readFile(new URL(`../${file}`, import.meta.url), "utf8");

describe("README", () => {
  it("documents every input and output exactly as action.yml declares them", async () => {
    const text = await read("action.yml");
    const action = parse(text) as { runs: { using: string; main: string } };
    const expected = actionTables(text);
    const readme = await read("README.md");
    expect(table(readme, "Input")).toEqual(expected.inputs);
    expect(table(readme, "Output")).toEqual(expected.outputs);
    expect(readme).toContain("uses: <org>/secflow/actions/sast@sast/v2");
    expect(action.runs).toEqual({ using: "node24", main: "dist/index.js" });
  });

  it("names every input the code reads", async () => {
    const action = parse(await read("action.yml")) as { inputs: Record<string, unknown> };
    const source = await read("src/options.ts");
    const names = [...source.matchAll(/read\.\w+\("([a-z-]+)"/g)].map((m) => m[1]);
    // The kit's readBaseline reads the shared `baseline` input.
    if (/readBaseline\(read\b/.test(source)) names.push("baseline");
    // … and readOnUnchecked the shared `on-unchecked` input.
    if (/readOnUnchecked\(read\b/.test(source)) names.push("on-unchecked");
    expect(new Set(names)).toEqual(new Set(Object.keys(action.inputs)));
  });
});
