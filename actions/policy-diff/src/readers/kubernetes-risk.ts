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

export interface RbacRisk {
  risk: Severity;
  why: string;
}

// Sources: Kubernetes documentation, "Role Based Access Control Good Practices" (privilege
// escalation risks: listing secrets, workload creation, persistent volume creation, nodes/proxy,
// escalate/bind verbs, impersonate, CSRs, token request, admission webhooks) and "Using RBAC
// Authorization" (the escalate, bind and impersonate verbs).
const GOOD_PRACTICES = "Kubernetes RBAC good practices";

const READ_VERBS = ["get", "list", "watch"];
const WRITE_VERBS = ["create", "update", "patch"];
const ESCALATION_VERBS = ["escalate", "bind", "impersonate"];
/** Subresources that run code in, or reach into, a node or container, or mint tokens. */
const CRITICAL_SUBRESOURCES = ["pods/exec", "pods/attach", "nodes/proxy", "serviceaccounts/token"];
const RBAC_RESOURCES = ["roles", "clusterroles", "rolebindings", "clusterrolebindings"];
const ADMISSION = [
  { group: "admissionregistration.k8s.io", resource: "mutatingwebhookconfigurations" },
  { group: "admissionregistration.k8s.io", resource: "validatingwebhookconfigurations" },
  { group: "certificates.k8s.io", resource: "certificatesigningrequests/approval" },
];
/** Creating these runs code or mounts host paths with the permissions of whatever they name. */
const WORKLOADS = [
  { group: "", resource: "pods" },
  { group: "", resource: "persistentvolumes" },
  { group: "", resource: "replicationcontrollers" },
  ...["deployments", "daemonsets", "statefulsets", "replicasets"].map((resource) => ({
    group: "apps",
    resource,
  })),
  ...["jobs", "cronjobs"].map((resource) => ({ group: "batch", resource })),
];

/** How dangerous holding one RBAC permission is, and why. */
export function rbacRisk(target: RbacTarget): RbacRisk {
  const { verb } = target;
  const verbIs = (...verbs: string[]) => verb === "*" || verbs.includes(verb);
  if (ESCALATION_VERBS.includes(verb))
    return {
      risk: "critical",
      why: `the ${verb} verb grants what the holder does not have (${GOOD_PRACTICES})`,
    };
  if (target.url !== undefined)
    return target.url.includes("*") || verb === "*"
      ? { risk: "medium", why: "a wildcard over non-resource URLs" }
      : { risk: "low", why: "a non-resource URL" };
  if (verb === "*" || target.resource === "*")
    return { risk: "critical", why: `a wildcard (${verb === "*" ? "every verb" : "every resource"})` };
  const on = (resource: string, group = "") =>
    wildcardCovers(target.group ?? "", group) && wildcardCovers(target.resource ?? "", resource);
  if (on("secrets") && verbIs(...READ_VERBS))
    return { risk: "critical", why: `reading secrets (${GOOD_PRACTICES})` };
  const subresource = CRITICAL_SUBRESOURCES.find((r) => on(r));
  if (subresource && verbIs("create", "get"))
    return {
      risk: "critical",
      why: `${subresource} runs code in or reaches into a workload or node (${GOOD_PRACTICES})`,
    };
  if (RBAC_RESOURCES.some((r) => on(r, "rbac.authorization.k8s.io")) && verbIs(...WRITE_VERBS))
    return { risk: "critical", why: `writing RBAC objects (${GOOD_PRACTICES})` };
  if (ADMISSION.some((a) => on(a.resource, a.group)) && !READ_VERBS.includes(verb))
    return { risk: "high", why: `admission webhooks and certificate approval (${GOOD_PRACTICES})` };
  if (WORKLOADS.some((w) => on(w.resource, w.group)) && verbIs(...WRITE_VERBS))
    return {
      risk: "high",
      why: `creating or changing workloads runs code as any service account (${GOOD_PRACTICES})`,
    };
  if (READ_VERBS.includes(verb)) return { risk: "low", why: "reading a resource that holds no secret" };
  return { risk: "medium", why: "changing a resource that runs no code" };
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
