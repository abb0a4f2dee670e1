import type { Document, Node } from "yaml";
import type { CoverageRules } from "../diff.ts";
import type { Grant } from "../grant.ts";
import { PolicyFileError } from "../policy-file-error.ts";
import { wildcardCovers } from "../wildcard.ts";
import { pairsOf, textOf, type YamlSource } from "../yaml-source.ts";
import {
  type DefaultPermissions,
  defaultTokenPermissions,
  TOKEN_SCOPES,
  tokenPermissionRisk,
} from "./workflow-risk.ts";

const TOKEN = "GITHUB_TOKEN";

/** A grant of one job or workflow, before its permission, resource, line and risk. */
export type GrantBase = Omit<Grant, "permission" | "resource" | "line" | "risk">;

/** A `permissions:` block (read-all, write-all or scope: level) as token grants. */
export function permissionGrants(
  value: Node | null,
  keyNode: Node,
  doc: Document,
  source: YamlSource,
  base: GrantBase,
): Grant[] {
  const whole = textOf(value, doc);
  if (whole === "write-all" || whole === "read-all") {
    const level = whole === "write-all" ? "write" : "read";
    return [
      {
        ...base,
        permission: `*: ${level}`,
        resource: TOKEN,
        line: source.line(keyNode),
        ...tokenPermissionRisk("*", level),
      },
    ];
  }
  const pairs = pairsOf(value, doc);
  if (value === null || pairs === undefined) {
    throw new PolicyFileError(
      `permissions: must be read-all, write-all or a mapping of scopes, not ${JSON.stringify(whole ?? null)}`,
      source.line(value ?? keyNode),
    );
  }
  const grants: Grant[] = [];
  for (const pair of pairs) {
    if (!(TOKEN_SCOPES as readonly string[]).includes(pair.key)) {
      throw new PolicyFileError(
        `unknown permission scope "${pair.key}"; GitHub knows ${TOKEN_SCOPES.join(", ")}`,
        source.line(pair.keyNode),
      );
    }
    const level = textOf(pair.value, doc);
    if (level !== "read" && level !== "write" && level !== "none") {
      throw new PolicyFileError(
        `permission ${pair.key} must be read, write or none, not ${JSON.stringify(level ?? null)}`,
        source.line(pair.value ?? pair.keyNode),
      );
    }
    if (level === "none") continue;
    grants.push({
      ...base,
      permission: `${pair.key}: ${level}`,
      resource: TOKEN,
      line: source.line(pair.keyNode),
      ...tokenPermissionRisk(pair.key, level),
    });
  }
  return grants;
}

/**
 * The token of a job with no `permissions:` anywhere: the repository's default, as the team
 * says it is (`policy.workflows.default-permissions`) or as assumed (restricted). The same
 * scopes written out compare equal to it, so adding a block that only repeats it is no change.
 */
export function defaultPermissionGrants(setting: DefaultPermissions, line: number, base: GrantBase): Grant[] {
  return defaultTokenPermissions(setting).map(({ scope, level }) => ({
    ...base,
    permission: `${scope}: ${level}`,
    resource: TOKEN,
    detail: `repository default, ${setting}`,
    line,
    ...tokenPermissionRisk(scope, level),
  }));
}

const SCOPE_OF = (permission: string) => permission.split(": ")[0] ?? "";
const LEVEL_OF = (permission: string) => permission.split(": ")[1] ?? "";

/**
 * Token permissions: write covers read; `*: write` (write-all) covers everything; `*: read`
 * (read-all) covers every read. Secrets: a wildcard covers the names it matches.
 */
export const workflowCoverage: CoverageRules = {
  // A job renamed, or moved to another workflow file, is the same job: compare it as one.
  pairScopesBy: ["subject", "owner", "grants"],
  pairable: (grant) => grant.ownerKey !== undefined,
  covers(a, b) {
    if (a.subject !== b.subject) return false;
    if (a.permission === "read secret" && b.permission === "read secret")
      return wildcardCovers(a.resource, b.resource);
    if (a.resource !== b.resource) return false;
    if (a.resource !== TOKEN || a.permission === b.permission) return a.permission === b.permission;
    if (a.permission === "*: write") return true;
    const [scope, level] = [SCOPE_OF(b.permission), LEVEL_OF(b.permission)];
    if (a.permission === "*: read") return level === "read";
    return SCOPE_OF(a.permission) === scope && (LEVEL_OF(a.permission) === "write" || level === "read");
  },
  related(a, b) {
    if (a.subject !== b.subject) return false;
    if (a.permission === "read secret" && b.permission === "read secret") {
      return wildcardCovers(a.resource, b.resource) || wildcardCovers(b.resource, a.resource);
    }
    if (a.resource !== b.resource) return false;
    if (a.resource !== TOKEN) return a.permission === b.permission;
    const wide = (p: string) => p.startsWith("*: ");
    return wide(a.permission) || wide(b.permission) || SCOPE_OF(a.permission) === SCOPE_OF(b.permission);
  },
};
