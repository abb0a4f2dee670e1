import type { Effect, PolicySource } from "@secflow/contracts";
import type { Severity } from "@secflow/sarif";

// Where a grant was read from (also the `source` of a change in the diff file), and whether it
// allows or restricts (`deny` also stands for rules other grants must pass: required owners).
export type { Effect, PolicySource } from "@secflow/contracts";

/**
 * One privilege, normalized from any policy source: who may do what on which resource, under
 * which conditions, and where it is written.
 */
export interface Grant {
  source: PolicySource;
  /**
   * What the grant belongs to (a service, a job, a policy document, a setting). Grants are only
   * compared within one scope; it is built from the head path of the file, so renames match.
   */
  scope: string;
  subject: string;
  permission: string;
  resource: string;
  effect: Effect;
  /** Normalized conditions, sorted; each one narrows the grant. */
  conditions: readonly string[];
  /** The path in the commit the grant was read from. */
  file: string;
  line: number;
  /** Which team list marks the resource as sensitive (secflow.yml `policy.sensitive-*`). */
  sensitiveAs?: "resource" | "secret";
  /** The name those lists are matched against, when the resource text says more (`secrets "db"`). */
  sensitiveName?: string;
  /** A change to it is neither more nor less privilege (an owner, a team name). */
  neutral?: boolean;
  /** How risky holding this grant is, from the source's risk table. */
  risk: Severity;
  /** Why it has that risk, naming a source a team can check ("AWS access level Write"). */
  why?: string;
  /** Said after the grant when read aloud, never compared ("repository default, restricted"). */
  detail?: string;
  /**
   * What the grant's owner is apart from its name (a job's definition without its id and
   * permissions): a job renamed or moved to another file is recognised by it.
   */
  ownerKey?: string;
  /** Between permission and resource when read aloud: " on " unless set ("read secret: X"). */
  joiner?: string;
  /** Structured facts the source's coverage rules compare (never written out). */
  match?: unknown;
}

/** Identity of a grant within its side: equal keys are the same grant written twice. */
export function grantKey(grant: Grant): string {
  return [
    grant.source,
    grant.scope,
    grant.subject,
    grant.permission,
    grant.resource,
    grant.effect,
    grant.conditions.join("\u0001"),
  ].join("\u0000");
}

/** The grant as a reviewer reads it: "`write` on db/payments if …". */
export function describeGrant(
  grant: Pick<Grant, "permission" | "resource" | "conditions" | "joiner" | "detail">,
): string {
  const on =
    grant.resource === ""
      ? grant.permission
      : `${grant.permission}${grant.joiner ?? " on "}${grant.resource}`;
  const described = grant.conditions.length ? `${on} if ${grant.conditions.join(" and ")}` : on;
  return grant.detail ? `${described} (${grant.detail})` : described;
}
