import { maxSeverity, type Severity } from "@secflow/sarif";
import type { CoverageRules } from "../diff.ts";
import type { Grant } from "../grant.ts";
import { wildcardCovers } from "../wildcard.ts";
import type { LabelSelector, RbacBinding, RbacObjects, RbacRole, RbacRule } from "./kubernetes-model.ts";
import { builtinRole, EVERYONE_GROUPS, type RbacTarget, rbacRisk } from "./kubernetes-risk.ts";

/** What a binding's grant compares: where it applies and what its role allows. */
interface BindingMatch {
  /** "cluster", a namespace, or "" for a RoleBinding written without one. */
  where: string;
  role: string;
  /** The role's permissions when its definition is known on this side. */
  targets?: RbacTarget[];
}

/**
 * Grants of all RBAC objects of one commit, read together because bindings refer to roles in
 * other files: per role, each verb on each resource; per bound subject, the role it is bound to.
 * Grants are scoped by role or subject name, not by file, so moving objects between files is no
 * change.
 */
export function rbacGrants(objects: RbacObjects[]): Grant[] {
  const roles = objects.flatMap((o) => o.roles);
  const rulesOf = aggregatedRules(roles);
  const grants: Grant[] = [];
  for (const role of roles) {
    const subject = roleName(role.kind, role.name, role.namespace);
    for (const rule of rulesOf.get(role) ?? role.rules) {
      for (const target of expand(rule)) {
        const { risk, why } = rbacRisk(target);
        grants.push({
          source: "kubernetes",
          scope: subject,
          subject,
          permission: target.verb,
          resource: describeTarget(target),
          effect: "allow",
          conditions: [],
          file: rule.file,
          line: rule.line,
          risk,
          why,
          // A named secret is matched against sensitive-secrets, anything else by its resource name.
          ...(target.resource === "secrets" && target.name
            ? { sensitiveAs: "secret" as const, sensitiveName: target.name }
            : { sensitiveAs: "resource" as const, ...(target.name ? { sensitiveName: target.name } : {}) }),
          match: target,
        });
      }
    }
  }
  const roleTargets = new Map(
    roles.map((role) => [
      roleName(role.kind, role.name, role.namespace),
      (rulesOf.get(role) ?? role.rules).flatMap(expand),
    ]),
  );
  for (const binding of objects.flatMap((o) => o.bindings))
    grants.push(...bindingGrants(binding, roleTargets));
  return grants;
}

function bindingGrants(binding: RbacBinding, roleTargets: Map<string, RbacTarget[]>): Grant[] {
  const { roleRef } = binding;
  const role = roleName(roleRef.kind, roleRef.name, roleRef.kind === "Role" ? binding.namespace : undefined);
  const targets = roleTargets.get(role);
  const where = binding.kind === "ClusterRoleBinding" ? "cluster" : (binding.namespace ?? "");
  const builtin = roleRef.kind === "ClusterRole" && !targets ? builtinRole(roleRef.name) : undefined;
  const roleRisk: Severity = targets
    ? (maxSeverity(targets.map((t) => rbacRisk(t).risk)) ?? "low")
    : (builtin?.risk ?? "medium");
  const why = targets
    ? `the most dangerous permission of ${role}`
    : builtin
      ? `the built-in ClusterRole ${roleRef.name}`
      : `${role} is not defined in the files read`;
  return binding.subjects.map((s) => {
    const subject = subjectName(s.kind, s.name, s.kind === "ServiceAccount" ? s.namespace : undefined);
    const everyone = s.kind === "Group" && EVERYONE_GROUPS.includes(s.name);
    const match: BindingMatch = { where, role, ...(targets ? { targets } : {}) };
    return {
      source: "kubernetes",
      scope: subject,
      subject,
      permission: `bound to ${role}`,
      resource:
        where === "cluster"
          ? "cluster-wide"
          : where
            ? `in namespace ${where}`
            : "in its namespace (namespace unset)",
      joiner: " ",
      effect: "allow",
      conditions: [],
      file: binding.file,
      line: s.line,
      risk: everyone ? "critical" : roleRisk,
      why: everyone ? `${s.name} is every user or account` : why,
      match,
    } satisfies Grant;
  });
}

/** `ServiceAccount payments/api`; a service account whose namespace is not written says so. */
function subjectName(kind: string, name: string, namespace: string | undefined): string {
  if (kind !== "ServiceAccount") return `${kind} ${name}`;
  return namespace ? `ServiceAccount ${namespace}/${name}` : `ServiceAccount ${name} (namespace unset)`;
}

/**
 * Who holds each role, from the bindings among these grants: role name → "ServiceAccount
 * payments/api", "Group ops cluster-wide", "User ann in namespace dev". Messages name them.
 */
export function boundSubjects(grants: readonly Grant[]): Map<string, string[]> {
  const bound = new Map<string, string[]>();
  for (const grant of grants) {
    if (grant.source !== "kubernetes" || !grant.permission.startsWith("bound to ")) continue;
    const { role, where } = grant.match as BindingMatch;
    const place =
      where === "cluster"
        ? " cluster-wide"
        : role.startsWith("ClusterRole ") && where
          ? ` in namespace ${where}`
          : "";
    const holders = bound.get(role) ?? [];
    const holder = `${grant.subject}${place}`;
    if (!holders.includes(holder)) holders.push(holder);
    bound.set(role, holders);
  }
  return bound;
}

export const kubernetesCoverage: CoverageRules = {
  // A role renamed with the same rules is the same role; its bindings compare by what it allows.
  pairScopesBy: ["grants"],
  // A subject bound to a role is an identity: a new one gaining the same role is a change.
  pairable: (grant) => !grant.permission.startsWith("bound to "),
  covers(a, b) {
    if (a.subject !== b.subject) return false;
    const [ma, mb] = [a.match as RbacTarget | BindingMatch, b.match as RbacTarget | BindingMatch];
    if ("verb" in ma && "verb" in mb) return targetCovers(ma, mb);
    if ("verb" in ma || "verb" in mb) return false;
    return (ma.where === "cluster" || ma.where === mb.where) && roleCovers(ma, mb);
  },
};

function roleCovers(a: BindingMatch, b: BindingMatch): boolean {
  // Same role: if its rules changed, the role's own grants report it, once for all its bindings.
  if (a.role === b.role) return true;
  if (a.targets && b.targets) return b.targets.every((t) => a.targets?.some((u) => targetCovers(u, t)));
  const rank = (m: BindingMatch) =>
    m.targets || !m.role.startsWith("ClusterRole ")
      ? undefined
      : builtinRole(m.role.slice("ClusterRole ".length))?.rank;
  const [ra, rb] = [rank(a), rank(b)];
  if (ra === builtinRole("cluster-admin")?.rank) return true;
  return ra !== undefined && rb !== undefined && ra >= rb;
}

function targetCovers(a: RbacTarget, b: RbacTarget): boolean {
  if (a.verb !== "*" && a.verb !== b.verb) return false;
  if (a.url !== undefined || b.url !== undefined) {
    return a.url !== undefined && b.url !== undefined && wildcardCovers(a.url, b.url);
  }
  return (
    (a.group === "*" || a.group === b.group) &&
    wildcardCovers(a.resource ?? "", b.resource ?? "") &&
    (a.name === undefined || a.name === b.name)
  );
}

/** `secrets "db-password"`, `deployments.apps`, `pods/exec`, `*.*`, `URL /metrics`. */
function describeTarget(target: RbacTarget): string {
  if (target.url !== undefined) return `URL ${target.url}`;
  const resource = target.group ? `${target.resource}.${target.group}` : (target.resource ?? "");
  return target.name === undefined ? resource : `${resource} "${target.name}"`;
}

function expand(rule: RbacRule): RbacTarget[] {
  const targets: RbacTarget[] = [];
  for (const verb of rule.verbs) {
    for (const url of rule.nonResourceURLs) targets.push({ verb, url });
    for (const group of rule.apiGroups.length ? rule.apiGroups : [""]) {
      for (const resource of rule.resources) {
        if (rule.resourceNames.length === 0) targets.push({ verb, group, resource });
        for (const name of rule.resourceNames) targets.push({ verb, group, resource, name });
      }
    }
  }
  return targets;
}

/** `Role payments/api-reader`, `ClusterRole view`; a Role whose namespace is not written says so. */
function roleName(kind: string, name: string, namespace?: string): string {
  if (kind === "ClusterRole") return `${kind} ${name}`;
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name} (namespace unset)`;
}

/** Rules of aggregated ClusterRoles: their own plus those of every ClusterRole they select. */
function aggregatedRules(roles: RbacRole[]): Map<RbacRole, RbacRule[]> {
  const clusterRoles = roles.filter((r) => r.kind === "ClusterRole");
  const result = new Map<RbacRole, RbacRule[]>();
  // The controller aggregates aggregated roles too; a few rounds reach the fixed point.
  for (let round = 0; round < 5; round++) {
    let changed = false;
    for (const role of clusterRoles) {
      if (!role.aggregation) continue;
      const rules = new Set(role.rules);
      for (const other of clusterRoles) {
        if (other !== role && role.aggregation.some((s) => selects(s, other.labels))) {
          for (const rule of result.get(other) ?? other.rules) rules.add(rule);
        }
      }
      if (rules.size !== (result.get(role)?.length ?? -1)) changed = true;
      result.set(role, [...rules]);
    }
    if (!changed) break;
  }
  return result;
}

function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const matchLabels = Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v);
  const expressions = selector.matchExpressions.every(({ key, operator, values }) => {
    const has = Object.hasOwn(labels, key);
    switch (operator) {
      case "In":
        return has && values.includes(labels[key] ?? "");
      case "NotIn":
        return !has || !values.includes(labels[key] ?? "");
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  });
  const empty = Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
  return !empty && matchLabels && expressions;
}
