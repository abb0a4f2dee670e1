// README's inputs and outputs tables must say what action.yml says.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { parse } from "yaml";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

function tableRows(markdown: string, heading: string): string[][] {
  const section = markdown.split(`## ${heading}\n`)[1]?.split("\n## ")[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\\|/g, "|").replace(/^`|`$/g, "")),
    );
}

it("README's inputs and outputs tables match action.yml", async () => {
  const action = parse(await readFile(path.join(root, "action.yml"), "utf8")) as {
    inputs: Record<string, { description: string; default?: string }>;
    outputs: Record<string, { description: string }>;
    runs: { using: string; main: string };
  };
  const readme = await readFile(path.join(root, "README.md"), "utf8");
  expect(action.runs).toEqual({ using: "node24", main: "dist/index.js" });
  expect(tableRows(readme, "Inputs")).toEqual(
    Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? "", input.description]),
  );
  expect(tableRows(readme, "Outputs")).toEqual(
    Object.entries(action.outputs).map(([name, output]) => [name, output.description]),
  );
  expect(readme).toContain("uses: <org>/secflow/actions/sca@sca/v2");
});
