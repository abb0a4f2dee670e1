import type { Severity } from "@secflow/sarif";

/** GITHUB_TOKEN scopes a workflow may set (GitHub's workflow syntax). */
export const TOKEN_SCOPES = [
  "actions",
  "attestations",
  "checks",
  "contents",
  "deployments",
  "discussions",
  "id-token",
  "issues",
  "metadata",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
] as const;

export interface WorkflowRisk {
  risk: Severity;
  why: string;
}

// What a write scope lets a job do, from GitHub's "Permissions required for GitHub Apps" and
// "Security hardening for GitHub Actions": high when it changes code, releases, packages, cloud
// access, the results or checks a merge depends on, or other workflow runs; medium when it
// publishes or writes to pull requests; low when it only writes conversation.
const WRITE_RISK: Record<(typeof TOKEN_SCOPES)[number], WorkflowRisk> = {
  actions: { risk: "high", why: "changes workflow runs, caches and artifacts (cache poisoning)" },
  attestations: { risk: "high", why: "signs build provenance for the repository" },
  checks: { risk: "high", why: "creates check runs that required checks may accept" },
  contents: { risk: "high", why: "pushes code, tags and releases" },
  "id-token": { risk: "high", why: "mints OIDC tokens that cloud roles trust" },
  packages: { risk: "high", why: "publishes and deletes packages" },
  "pull-requests": {
    risk: "medium",
    why: "comments on and labels pull requests (approves them only where the repository lets Actions approve)",
  },
  "security-events": { risk: "high", why: "dismisses code-scanning alerts" },
  statuses: { risk: "high", why: "sets commit statuses that required checks may accept" },
  deployments: { risk: "medium", why: "creates deployments, which may start deployment workflows" },
  pages: { risk: "medium", why: "publishes the Pages site" },
  discussions: { risk: "low", why: "writes discussions" },
  issues: { risk: "low", why: "writes issues and comments" },
  metadata: { risk: "low", why: "repository metadata" },
  models: { risk: "low", why: "calls GitHub Models" },
  "repository-projects": { risk: "low", why: "writes classic projects" },
};

/** Risk of a token permission: `*: write` is write-all, `*: read` read-all. */
export function tokenPermissionRisk(scope: string, level: "read" | "write"): WorkflowRisk {
  if (scope === "*")
    return level === "write"
      ? { risk: "critical", why: "write-all: every scope of the token can write" }
      : { risk: "low", why: "read-all: reading the repository" };
  if (level === "read") return { risk: "low", why: `${scope}: read only` };
  const known = Object.hasOwn(WRITE_RISK, scope) ? WRITE_RISK[scope as keyof typeof WRITE_RISK] : undefined;
  return known
    ? { risk: known.risk, why: `${scope}: write ${known.why}` }
    : { risk: "medium", why: `${scope}: write` };
}

/** What the repository gives a job that sets no `permissions:` (GitHub's GITHUB_TOKEN reference). */
export type DefaultPermissions = "restricted" | "permissive";

/**
 * The token of a job with no `permissions:` block: `restricted` is contents and packages read
 * (GitHub's default for new repositories since 2023); `permissive` is read and write to every
 * scope but id-token (none) and models (read). Metadata read is always granted and not listed.
 */
export function defaultTokenPermissions(
  setting: DefaultPermissions,
): { scope: string; level: "read" | "write" }[] {
  if (setting === "restricted")
    return [
      { scope: "contents", level: "read" },
      { scope: "packages", level: "read" },
    ];
  return TOKEN_SCOPES.filter((s) => s !== "id-token" && s !== "metadata").map((scope) => ({
    scope,
    level: scope === "models" ? "read" : "write",
  }));
}

/** Triggers that run with secrets and a write token on events from forks. */
export const PRIVILEGED_TRIGGERS: Record<string, WorkflowRisk> = {
  pull_request_target: {
    risk: "high",
    why: "runs with secrets and a write token on pull requests from forks",
  },
  workflow_run: { risk: "high", why: "runs with secrets and a write token after fork workflows" },
};

/** A tag or branch can be moved to other code; first-party actions are trusted a little more. */
export function unpinnedActionRisk(action: string): WorkflowRisk {
  return /^(actions|github)\//i.test(action)
    ? { risk: "low", why: "a first-party action (actions/*, github/*) on a tag or branch" }
    : { risk: "medium", why: "a third-party action on a tag or branch its owner can move" };
}

/** Reading every secret (`secrets: inherit`, `toJSON(secrets)`) is worse than reading one. */
export function secretRisk(name: string): WorkflowRisk {
  if (name === "*") return { risk: "high", why: "every secret of the repository" };
  return name === "GITHUB_TOKEN"
    ? { risk: "low", why: "the job's own token, limited by its permissions" }
    : { risk: "medium", why: "one secret" };
}
