import { readFile } from "node:fs/promises";
import { tableRows as table } from "@secflow/kit/testing";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const read = (file: string) => readFile(new URL(`../${file}`, import.meta.url), "utf8");

const cell = (text: string) => text.replace(/\s+/g, " ").trim().replace(/\|/g, "\\|");

describe("README", () => {
  it("documents every input and output exactly as action.yml declares them", async () => {
    const action = parse(await read("action.yml")) as {
      inputs: Record<string, { description: string; default?: string }>;
      outputs: Record<string, { description: string }>;
      runs: { using: string; main: string };
    };
    const readme = await read("README.md");
    expect(table(readme, "Input")).toEqual(
      Object.entries(action.inputs).map(([name, i]) => [
        `\`${name}\``,
        cell(i.description),
        i.default ? `\`${i.default}\`` : "",
      ]),
    );
    expect(table(readme, "Output")).toEqual(
      Object.entries(action.outputs).map(([name, o]) => [`\`${name}\``, cell(o.description)]),
    );
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
