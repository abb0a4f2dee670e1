import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { compile, GENERATED } from "../scripts/compile-schema.mjs";
import { checkPolicyDiff, type PolicyDiff } from "../src/index.ts";

const diff: PolicyDiff = {
  version: 1,
  base: "a".repeat(40),
  head: "b".repeat(40),
  changes: [
    {
      kind: "added",
      class: "escalation",
      severity: "high",
      source: "workflow",
      subject: "workflow ci.yml job build",
      permission: "contents",
      resource: "write",
      effect: "allow",
      file: ".github/workflows/ci.yml",
      line: 3,
      side: "head",
      ruleId: "secflow/policy/workflow-added",
      sensitive: false,
    },
  ],
  unreadable: [],
  counts: { escalations: 1, widenings: 0, neutral: 0, reductions: 0 },
};

describe("the policy-diff contract", () => {
  it("is checked by a validator generated from the committed schema", async () => {
    expect(await readFile(GENERATED, "utf8")).toBe(compile());
  });

  it("accepts a well-formed diff", () => {
    expect(checkPolicyDiff(diff)).toEqual([]);
  });

  it("refuses unknown fields, paths out of the repository and counts that disagree", () => {
    expect(checkPolicyDiff({ ...diff, extra: 1 })[0]).toMatch(
      /additionalProperties|must NOT have additional/,
    );
    const outside = { ...diff, changes: [{ ...diff.changes[0], file: "../etc/passwd" }] };
    expect(checkPolicyDiff(outside)[0]).toMatch(/not a policy-diff file/);
    expect(checkPolicyDiff({ ...diff, counts: { ...diff.counts, escalations: 0 } })[0]).toMatch(/disagree/);
  });
});
