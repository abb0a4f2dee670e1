import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { compile, GENERATED } from "../scripts/compile-schema.mjs";
import { readPolicyDiff } from "../src/policy-diff-file.ts";

describe("the policy-diff file", () => {
  it("is checked by a validator generated from the committed schema", async () => {
    expect(await readFile(GENERATED, "utf8")).toBe(compile());
  });

  it("names a missing file as missing input", async () => {
    const { problems, diff } = await readPolicyDiff("/nonexistent/diff.json", "diff.json", []);
    expect(diff).toBeUndefined();
    expect(problems).toEqual([
      {
        rule: "gate/missing-input",
        message: expect.stringMatching(/^diff.json: the policy-diff file does not exist/),
      },
    ]);
  });
});
