import { describe, expect, it } from "vitest";
import { readPolicyDiff } from "../src/policy-diff-file.ts";

describe("the policy-diff file", () => {
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
