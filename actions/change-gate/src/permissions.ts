import type { GitHubApi } from "./github-api.ts";

export interface Access {
  /** The role GitHub reports (admin, maintain, write, triage, read, a custom role) or none. */
  role: string;
  /** Write, maintain or admin: who may approve or block a review under branch protection. */
  canWrite: boolean;
}

// GitHub's `permission` maps maintain to write and triage to read; custom roles map to their base.
const WRITE_PERMISSIONS = new Set(["admin", "write"]);

/** The user's access to the repository, from the collaborator permission API (not author_association). */
export async function repositoryAccess(api: GitHubApi, user: string): Promise<Access> {
  const { permission, roleName } = await api.permission(user);
  return { role: roleName ?? permission, canWrite: WRITE_PERMISSIONS.has(permission.toLowerCase()) };
}
