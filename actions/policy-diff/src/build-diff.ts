import { matcher } from "@secflow/kit";
import { growthClass } from "./classify.ts";
import type { ComparedCommits } from "./commits.ts";
import { comparePolicies } from "./compare.ts";
import type { GrantMove, ScopeRename } from "./diff.ts";
import { countChanges, type ReportedDiff } from "./diff-file.ts";
import type { PolicyAtCommits } from "./read-commits.ts";

/** What the comparison recognised beyond the changes, for the log and the summary. */
export interface DiffNotes {
  moves: GrantMove[];
  renamed: ScopeRename[];
}

/**
 * The classified privilege changes between the two commits, as the gate reads them. `author`
 * is the pull request's author (unset outside a pull request): making them a code owner of a
 * security-sensitive path is an escalation.
 */
export function buildDiff(
  commits: ComparedCommits,
  policy: PolicyAtCommits,
  author?: string,
): { diff: ReportedDiff; notes: DiffNotes } {
  const { base, head, baseConfig, headConfig } = policy;
  // Marks from either commit count: a pull request cannot unmark what it touches.
  const policyOf = [baseConfig.policy, headConfig.policy];
  const securityOwners = new Set(
    policyOf.flatMap((p) => p?.["security-owners"] ?? []).map((o) => o.toLowerCase()),
  );
  const overrides = baseConfig["severity-overrides"] ?? {};
  const comparison = comparePolicies({
    base,
    head,
    renames: policy.renames,
    files: policy.files,
    codeowners: {
      isSecurityOwner: (owner) =>
        securityOwners.size ? securityOwners.has(owner) : /secur|appsec|infosec/i.test(owner),
      isSensitive: securitySensitivePaths(policy),
      ...(author ? { author } : {}),
    },
    sensitivity: {
      resources: policyOf.flatMap((p) => p?.["sensitive-resources"] ?? []),
      secrets: policyOf.flatMap((p) => p?.["sensitive-secrets"] ?? []),
    },
  });
  const changes = comparison.changes.map((change) => {
    // A team's override applies to the change as to the SARIF rule; it comes from the base so a
    // pull request cannot lower the severity of its own changes. A growing privilege takes the
    // class of its new severity, so raising a rule to high sends its changes to review.
    const override = overrides[change.ruleId];
    if (!override) return change;
    const grows = change.class === "escalation" || change.class === "widening";
    const { why: _why, ...rest } = change;
    return {
      ...rest,
      severity: override,
      ...(grows
        ? {
            class: growthClass(override),
            why: `severity-overrides for ${change.ruleId} in the base commit's secflow.yml`,
          }
        : {}),
    };
  });
  return {
    diff: {
      version: 1,
      base: commits.baseSha,
      head: commits.headSha,
      changes,
      // What the gate must not take as checked; an unreadable file that did not change is not here.
      unreadable: policy.unreadable.unchecked,
      counts: countChanges(changes),
    },
    notes: { moves: comparison.moves, renamed: comparison.renamed },
  };
}

/**
 * Paths whose owners guard security: the workflows and everything else under .github/, every
 * policy file and the secflow configuration at either commit, and the gate's sensitive-paths
 * (of either commit: marking more paths sensitive cannot help a pull request).
 */
function securitySensitivePaths(policy: PolicyAtCommits): (file: string) => boolean {
  const { base, head } = policy;
  const policyPaths = new Set<string>([
    policy.configFile,
    ...base.policyFiles.keys(),
    ...head.policyFiles.keys(),
    ...[base.codeowners.path, head.codeowners.path].filter((p): p is string => p !== undefined),
  ]);
  const globs = matcher([
    ".github/**",
    ...[policy.baseConfig, policy.headConfig].flatMap((c) => c.gate?.["sensitive-paths"] ?? []),
  ]);
  return (file) => policyPaths.has(file) || globs(file);
}
