import type { PolicyChange, PolicyDiff } from "../../src/policy-diff-file.ts";

/** A change as actions/policy-diff writes it; fields under test are overridden. */
export function change(overrides: Partial<PolicyChange> = {}): PolicyChange {
  return {
    kind: "added",
    class: "escalation",
    severity: "high",
    source: "iam",
    subject: "service checkout",
    permission: "s3:GetObject",
    resource: "arn:aws:s3:::payments-db/*",
    effect: "allow",
    file: "policies/checkout.json",
    line: 12,
    side: "head",
    after: '"Action": "s3:GetObject"',
    ruleId: "policy/iam-escalation",
    sensitive: false,
    ...overrides,
  };
}

/** A complete diff file with consistent counts. */
export function policyDiff(base: string, head: string, changes: PolicyChange[]): PolicyDiff {
  const count = (c: PolicyChange["class"]) => changes.filter((x) => x.class === c).length;
  return {
    version: 1,
    base,
    head,
    changes,
    unreadable: [],
    counts: {
      escalations: count("escalation"),
      widenings: count("widening"),
      neutral: count("neutral"),
      reductions: count("reduction"),
    },
  };
}
