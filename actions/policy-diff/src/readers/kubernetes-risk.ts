import type { Severity } from "@secflow/sarif";
import { wildcardCovers } from "../wildcard.ts";

/** One verb on one resource (or non-resource URL), as RBAC rules expand. */
export interface RbacTarget {
  verb: string;
  /** API group; "" is the core group. Unset for a non-resource URL. */
  group?: string;
  resource?: string;
  /** One resourceName; unset means every name. */
  name?: string;
  url?: string;
}

const READ_VERBS = ["get", "list", "watch"];
const ESCALATION_VERBS = ["escalate", "bind", "impersonate"];
/** Subresources that run code in, or reach into, a node or container, or mint tokens. */
const CRITICAL_SUBRESOURCES = ["pods/exec", "pods/attach", "nodes/proxy", "serviceaccounts/token"];
const RBAC_RESOURCES = ["roles", "clusterroles", "rolebindings", "clusterrolebindings"];
const WEBHOOKS = [
  "mutatingwebhookconfigurations",
  "validatingwebhookconfigurations",
  "certificatesigningrequests/approval",
];
const WORKLOADS = ["pods", "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs"];

/** How dangerous holding one RBAC permission is, seeded from well-known escalation paths. */
export function rbacRisk(target: RbacTarget): Severity {
  const { verb } = target;
  const verbIs = (...verbs: string[]) => verb === "*" || verbs.includes(verb);
  if (ESCALATION_VERBS.includes(verb)) return "critical";
  if (target.url !== undefined) return target.url.includes("*") || verb === "*" ? "medium" : "low";
  const on = (resource: string, group = "") =>
    wildcardCovers(target.group ?? "", group) && wildcardCovers(target.resource ?? "", resource);
  if (verb === "*" && target.group === "*" && target.resource === "*") return "critical";
  if (on("secrets") && verbIs(...READ_VERBS)) return target.name ? "high" : "critical";
  if (CRITICAL_SUBRESOURCES.some((r) => on(r)) && verbIs("create", "get")) return "critical";
  if (RBAC_RESOURCES.some((r) => on(r, "rbac.authorization.k8s.io")) && verbIs("create", "update", "patch"))
    return "critical";
  if (
    WEBHOOKS.some((r) => on(r, "admissionregistration.k8s.io") || on(r, "certificates.k8s.io")) &&
    !READ_VERBS.includes(verb)
  )
    return "high";
  if (verb === "*" || target.resource === "*" || target.group === "*") return "high";
  if (WORKLOADS.some((r) => on(r) || on(r, "apps") || on(r, "batch")) && verbIs("create", "update", "patch"))
    return "high";
  return READ_VERBS.includes(verb) ? "low" : "medium";
}

/** A built-in ClusterRole (view, edit, admin, cluster-admin): rank from weakest, and risk. */
export function builtinRole(name: string): { rank: number; risk: Severity } | undefined {
  return Object.hasOwn(BUILTIN_ROLES, name) ? BUILTIN_ROLES[name] : undefined;
}

const BUILTIN_ROLES: Record<string, { rank: number; risk: Severity }> = {
  view: { rank: 1, risk: "low" },
  edit: { rank: 2, risk: "critical" }, // reads secrets
  admin: { rank: 3, risk: "critical" },
  "cluster-admin": { rank: 4, risk: "critical" },
};

/** Groups that everyone (or every account) belongs to: binding them grants to all. */
export const EVERYONE_GROUPS = ["system:anonymous", "system:unauthenticated", "system:authenticated"];
