import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const read = (file: string) => readFile(new URL(`../${file}`, import.meta.url), "utf8");

/** The rows of the Markdown table whose first header cell is `first`, as trimmed cells. */
function table(markdown: string, first: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => new RegExp(`^\\|\\s*${first}\\s*\\|`).test(l));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const cell = (text: string) => text.replace(/\s+/g, " ").trim().replace(/\|/g, "\\|");

describe("README", () => {
  it("has inputs and outputs tables that match action.yml exactly", async () => {
    const action = parse(await read("action.yml")) as {
      inputs: Record<string, { description: string; default: string }>;
      outputs: Record<string, { description: string }>;
    };
    const readme = await read("README.md");
    expect(table(readme, "Input")).toEqual(
      Object.entries(action.inputs).map(([name, i]) => [
        `\`${name}\``,
        cell(i.description),
        i.default === "" ? "" : `\`${i.default}\``,
      ]),
    );
    expect(table(readme, "Output")).toEqual(
      Object.entries(action.outputs).map(([name, o]) => [`\`${name}\``, cell(o.description)]),
    );
    expect(readme).toContain("uses: <org>/secflow/actions/change-gate@change-gate/v1");
  });
});
