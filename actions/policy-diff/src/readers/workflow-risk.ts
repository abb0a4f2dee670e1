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

// Write scopes that let a job change code, releases, packages, deployments or cloud access
// (id-token mints OIDC tokens for cloud roles), or hide what it did: high.
const HIGH_IMPACT_WRITE = new Set([
  "actions",
  "contents",
  "deployments",
  "id-token",
  "packages",
  "pull-requests",
  "security-events",
]);

/** Risk of a token permission: `*: write` is write-all, `*: read` read-all. */
export function tokenPermissionRisk(scope: string, level: "read" | "write"): Severity {
  if (scope === "*") return level === "write" ? "critical" : "low";
  if (level === "read") return "low";
  return HIGH_IMPACT_WRITE.has(scope) ? "high" : "medium";
}

/** No permissions block: the repository's default, which may be write-all. */
export const DEFAULT_PERMISSIONS_RISK: Severity = "high";

/** Triggers that run with secrets and a write token on events from forks. */
export const PRIVILEGED_TRIGGERS: Record<string, Severity> = {
  pull_request_target: "high",
  workflow_run: "high",
};

/** A tag or branch can be moved to other code; first-party actions are trusted a little more. */
export function unpinnedActionRisk(action: string): Severity {
  return /^(actions|github)\//i.test(action) ? "low" : "medium";
}

/** Reading every secret (`secrets: inherit`, `toJSON(secrets)`) is worse than reading one. */
export function secretRisk(name: string): Severity {
  if (name === "*") return "high";
  return name === "GITHUB_TOKEN" ? "low" : "medium";
}
