// README's inputs and outputs tables must say what action.yml says.

import { readFile } from "node:fs/promises";
import { actionTables, tableRows } from "@secflow/kit/testing";
import { expect, it } from "vitest";
import { parse } from "yaml";

const read = (file: string) => readFile(new URL(`../${file}`, import.meta.url), "utf8");

it("README's inputs and outputs tables match action.yml", async () => {
  const [actionYml, readme] = await Promise.all([read("action.yml"), read("README.md")]);
  expect((parse(actionYml) as { runs: unknown }).runs).toEqual({ using: "node24", main: "dist/index.js" });
  const expected = actionTables(actionYml);
  expect(tableRows(readme, "Input")).toEqual(expected.inputs);
  expect(tableRows(readme, "Output")).toEqual(expected.outputs);
  expect(readme).toContain("uses: <org>/secflow/actions/sca@sca/v2");
});
