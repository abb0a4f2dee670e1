import { readFile } from "node:fs/promises";
import { actionTables, tableRows as table } from "@secflow/kit/testing";
import { describe, expect, it } from "vitest";

const read = (file: string) => readFile(new URL(`../${file}`, import.meta.url), "utf8");

describe("README", () => {
  it("has inputs and outputs tables that match action.yml exactly", async () => {
    const expected = actionTables(await read("action.yml"));
    const readme = await read("README.md");
    expect(table(readme, "Input")).toEqual(expected.inputs);
    expect(table(readme, "Output")).toEqual(expected.outputs);
    expect(readme).toContain("uses: <org>/secflow/actions/change-gate@change-gate/v2");
  });
});
