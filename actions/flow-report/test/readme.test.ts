import { readFile } from "node:fs/promises";
import { tableRows as table } from "@secflow/kit/testing";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const read = (file: string) => readFile(new URL(`../${file}`, import.meta.url), "utf8");

const cell = (text: string) => text.replace(/\s+/g, " ").trim().replace(/\|/g, "\\|");

describe("README", () => {
  it("has inputs and outputs tables that match action.yml exactly", async () => {
    const action = parse(await read("action.yml")) as {
      inputs: Record<string, { description: string; default?: string }>;
      outputs: Record<string, { description: string }>;
    };
    const readme = await read("README.md");
    expect(table(readme, "Input")).toEqual(
      Object.entries(action.inputs).map(([name, i]) => [
        `\`${name}\``,
        cell(i.description),
        i.default === undefined || i.default === "" ? "" : `\`${i.default}\``,
      ]),
    );
    expect(table(readme, "Output")).toEqual(
      Object.entries(action.outputs).map(([name, o]) => [`\`${name}\``, cell(o.description)]),
    );
  });
});
