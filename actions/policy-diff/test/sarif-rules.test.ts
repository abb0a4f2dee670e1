import { describe, expect, it } from "vitest";
import { diffCommitsCleanedUpAfterAll } from "./repo.ts";

// Issue #13: reductions had their rule's highest security-severity, so code scanning showed a
// narrowing as a High or Critical alert. Each rule now holds one class of change.

const POLICY = (statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);
const DENY = { Effect: "Deny", Action: "iam:*", Resource: "*" };
const PASS = { Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::123456789012:role/app" };
const READ = { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::invoices/*" };

const diff = diffCommitsCleanedUpAfterAll();

describe("SARIF rules by class", () => {
  it("puts reductions in their own rules, at info, apart from the escalations of the same kind (attack: a removal shown as Critical)", async () => {
    // Removing the deny of iam:* is an escalation (critical); removing PassRole, a reduction;
    // both are "removed" in IAM, which shared one rule and its critical security-severity.
    const { sarif, diff: d } = await diff(
      { "iam/app.json": POLICY([DENY, PASS, READ]) },
      { "iam/app.json": POLICY([READ]) },
    );
    expect(d.changes.map((c) => `${c.ruleId} ${c.class}/${c.severity}`)).toEqual([
      "policy-diff/iam/removed escalation/critical",
      "policy-diff/iam/removed/reduction reduction/info",
    ]);
    const rules = Object.fromEntries(
      (sarif.runs[0]?.tool.driver.rules ?? []).map((r) => [r.id, r.properties?.["security-severity"]]),
    );
    expect(rules).toEqual({ "policy-diff/iam/removed": "9.5", "policy-diff/iam/removed/reduction": "0.0" });
    const levels = (sarif.runs[0]?.results ?? []).map((r) => `${r.ruleId} ${r.level}`);
    expect(levels).toEqual(["policy-diff/iam/removed error", "policy-diff/iam/removed/reduction note"]);
    const reduction = sarif.runs[0]?.tool.driver.rules?.find(
      (r) => r.id === "policy-diff/iam/removed/reduction",
    );
    expect(reduction?.shortDescription?.text).toBe("A privilege was removed from an AWS IAM policy");
    expect(reduction?.properties?.tags).not.toContain("external/cwe/cwe-269");
  });

  it("puts low-risk growths in widening rules, so one critical addition does not raise them", async () => {
    const { sarif } = await diff({ "iam/app.json": POLICY([]) }, { "iam/app.json": POLICY([PASS, READ]) });
    const rules = Object.fromEntries(
      (sarif.runs[0]?.tool.driver.rules ?? []).map((r) => [r.id, r.properties?.["security-severity"]]),
    );
    expect(rules).toEqual({ "policy-diff/iam/added": "9.5", "policy-diff/iam/added/widening": "2.0" });
  });
});
