import type { ComparedCommits } from "./commits.ts";
import { comparePolicies } from "./compare.ts";
import { countChanges, type PolicyDiff } from "./diff-file.ts";
import type { PolicyAtCommits } from "./read-commits.ts";

/** The classified privilege changes between the two commits, as the gate reads them. */
export function buildDiff(commits: ComparedCommits, policy: PolicyAtCommits): PolicyDiff {
  const { base, head, baseConfig, headConfig } = policy;
  // Marks from either commit count: a pull request cannot unmark what it touches.
  const policyOf = [baseConfig.policy, headConfig.policy];
  const securityOwners = new Set(
    policyOf.flatMap((p) => p?.["security-owners"] ?? []).map((o) => o.toLowerCase()),
  );
  const overrides = baseConfig["severity-overrides"] ?? {};
  const changes = comparePolicies({
    base,
    head,
    renames: policy.renames,
    files: policy.files,
    isSecurityOwner: (owner) =>
      securityOwners.size ? securityOwners.has(owner) : /secur|appsec|infosec/i.test(owner),
    sensitivity: {
      resources: policyOf.flatMap((p) => p?.["sensitive-resources"] ?? []),
      secrets: policyOf.flatMap((p) => p?.["sensitive-secrets"] ?? []),
    },
  }).map((change) => {
    // A team's override applies to the change as to the SARIF rule; it comes from the base so a
    // pull request cannot lower the severity of its own changes.
    const override = overrides[change.ruleId];
    return override ? { ...change, severity: override } : change;
  });
  return {
    version: 1,
    base: commits.baseSha,
    head: commits.headSha,
    changes,
    unreadable: [...base.unreadable, ...head.unreadable],
    counts: countChanges(changes),
  };
}
