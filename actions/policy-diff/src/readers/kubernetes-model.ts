import type { Document, Node } from "yaml";
import { PolicyFileError } from "../policy-file-error.ts";
import { itemsOf, pairNamed, plainValueOf, textOf, YamlSource } from "../yaml-source.ts";
import type { PolicyText } from "./policy-text.ts";

// The RBAC objects of Kubernetes manifests, with the line of each, before any resolution.

export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
  file: string;
  line: number;
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

export interface RbacRole {
  kind: "Role" | "ClusterRole";
  name: string;
  /** A Role's namespace; unset for a ClusterRole, and for a Role written without one. */
  namespace?: string;
  labels: Record<string, string>;
  rules: RbacRule[];
  /** A ClusterRole whose rules are those of the ClusterRoles these select. */
  aggregation?: LabelSelector[];
  file: string;
  line: number;
}

interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
  line: number;
}

export interface RbacBinding {
  kind: "RoleBinding" | "ClusterRoleBinding";
  name: string;
  namespace?: string;
  roleRef: { kind: "Role" | "ClusterRole"; name: string };
  subjects: RbacSubject[];
  file: string;
  line: number;
}

export interface RbacObjects {
  roles: RbacRole[];
  bindings: RbacBinding[];
  /** Other Kubernetes objects (Deployments, Services …), which grant nothing RBAC knows. */
  otherObjects: number;
  /**
   * Documents that are not Kubernetes objects (no apiVersion or kind: a kustomization.yaml, a
   * Helm Chart.yaml or values file, a patch), which kubectl would not apply either.
   */
  notObjects: number;
}

const RBAC_GROUP = "rbac.authorization.k8s.io";
const RBAC_KINDS = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"];
/**
 * Verb × resource pairs one file may grant. Each is compared with the other commit's, so a few
 * long lists (or aliases of them) would otherwise make the comparison run for hours.
 */
const MAX_PERMISSIONS_PER_FILE = 20_000;

/**
 * Reads the RBAC objects of a multi-document manifest as kubectl reads the stream: empty and
 * comment-only documents are skipped, `kind: List` items count, and a document with no
 * apiVersion or kind is not an object (counted, not an error).
 */
export function readRbacObjects(file: PolicyText): RbacObjects {
  const source = YamlSource.parse(file.text);
  const objects: RbacObjects = { roles: [], bindings: [], otherObjects: 0, notObjects: 0 };
  for (const doc of source.contentDocuments) {
    readObject(doc.contents as Node, doc, source, file.path, objects);
  }
  const permissions = objects.roles.reduce(
    (sum, role) => role.rules.reduce((n, rule) => n + permissionCount(rule), sum),
    0,
  );
  if (permissions > MAX_PERMISSIONS_PER_FILE) {
    throw new PolicyFileError(
      `the roles grant ${permissions} verb × resource pairs; policy-diff compares at most ${MAX_PERMISSIONS_PER_FILE} per file (split the file or use wildcards)`,
    );
  }
  return objects;
}

function permissionCount(rule: RbacRule): number {
  const perResource = Math.max(rule.apiGroups.length, 1) * Math.max(rule.resourceNames.length, 1);
  return rule.verbs.length * (rule.nonResourceURLs.length + rule.resources.length * perResource);
}

function readObject(node: Node, doc: Document, source: YamlSource, path: string, out: RbacObjects): void {
  const line = source.line(node);
  const apiVersion = textOf(pairNamed(node, doc, "apiVersion")?.value, doc);
  const kind = textOf(pairNamed(node, doc, "kind")?.value, doc);
  if (!apiVersion || !kind) {
    // An RBAC kind without its apiVersion is a broken RBAC object, not something else.
    if (kind && RBAC_KINDS.includes(kind))
      throw new PolicyFileError(`${kind} has no apiVersion (write apiVersion: ${RBAC_GROUP}/v1)`, line);
    out.notObjects++;
    return;
  }
  if (kind === "List" || kind.endsWith("List")) {
    for (const item of itemsOf(pairNamed(node, doc, "items")?.value, doc) ?? [])
      readObject(item, doc, source, path, out);
    return;
  }
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  if (group !== RBAC_GROUP) {
    out.otherObjects++;
    return;
  }
  if (!RBAC_KINDS.includes(kind)) {
    throw new PolicyFileError(
      `unknown kind "${kind}" in ${apiVersion}; RBAC has ${RBAC_KINDS.join(", ")}`,
      source.line(pairNamed(node, doc, "kind")?.value),
    );
  }
  const metadata = pairNamed(node, doc, "metadata")?.value ?? null;
  const name = textOf(pairNamed(metadata, doc, "name")?.value, doc);
  if (!name) throw new PolicyFileError(`${kind} has no metadata.name`, line);
  const namespaced = kind === "Role" || kind === "RoleBinding";
  // A namespaced object without one goes to the namespace it is applied to (kubectl -n, the
  // context's): unknown here, so it stays unset rather than "default".
  const namespace = namespaced ? textOf(pairNamed(metadata, doc, "namespace")?.value, doc) : undefined;
  if (kind === "Role" || kind === "ClusterRole") {
    const role: RbacRole = {
      kind,
      name,
      ...(namespace ? { namespace } : {}),
      labels: stringRecord(plainValueOf(pairNamed(metadata, doc, "labels")?.value, doc)),
      rules: (itemsOf(pairNamed(node, doc, "rules")?.value, doc) ?? []).map((rule) =>
        readRule(rule, doc, source, path),
      ),
      file: path,
      line,
    };
    const aggregation = pairNamed(node, doc, "aggregationRule")?.value;
    if (aggregation && kind === "ClusterRole") role.aggregation = readSelectors(aggregation, doc, source);
    out.roles.push(role);
  } else {
    out.bindings.push(readBinding(kind as RbacBinding["kind"], name, namespace, node, doc, source, path));
  }
}

function readRule(node: Node, doc: Document, source: YamlSource, path: string): RbacRule {
  const list = (key: string) => {
    const value = pairNamed(node, doc, key)?.value ?? null;
    if (value === null) return [];
    const items = itemsOf(value, doc);
    if (!items) throw new PolicyFileError(`rules[].${key} must be a list`, source.line(value));
    return items.map((item) => textOf(item, doc) ?? "");
  };
  const rule = {
    apiGroups: list("apiGroups"),
    resources: list("resources"),
    verbs: list("verbs"),
    resourceNames: list("resourceNames"),
    nonResourceURLs: list("nonResourceURLs"),
    file: path,
    line: source.line(node),
  };
  if (rule.verbs.length === 0) throw new PolicyFileError("a rule must list verbs", rule.line);
  if (rule.resources.length === 0 && rule.nonResourceURLs.length === 0) {
    throw new PolicyFileError("a rule must list resources or nonResourceURLs", rule.line);
  }
  return rule;
}

function readSelectors(node: Node, doc: Document, source: YamlSource): LabelSelector[] {
  const selectors = itemsOf(pairNamed(node, doc, "clusterRoleSelectors")?.value, doc);
  if (!selectors)
    throw new PolicyFileError("aggregationRule needs clusterRoleSelectors (a list)", source.line(node));
  return selectors.map((selector) => {
    const value = plainValueOf(selector, doc) as { matchLabels?: unknown; matchExpressions?: unknown } | null;
    const expressions = Array.isArray(value?.matchExpressions) ? value.matchExpressions : [];
    return {
      matchLabels: stringRecord(value?.matchLabels),
      matchExpressions: expressions.map((e: { key?: unknown; operator?: unknown; values?: unknown }) => ({
        key: String(e.key ?? ""),
        operator: String(e.operator ?? ""),
        values: Array.isArray(e.values) ? e.values.map(String) : [],
      })),
    };
  });
}

function readBinding(
  kind: RbacBinding["kind"],
  name: string,
  namespace: string | undefined,
  node: Node,
  doc: Document,
  source: YamlSource,
  path: string,
): RbacBinding {
  const line = source.line(node);
  const ref = pairNamed(node, doc, "roleRef")?.value ?? null;
  const refKind = textOf(pairNamed(ref, doc, "kind")?.value, doc);
  const refName = textOf(pairNamed(ref, doc, "name")?.value, doc);
  if ((refKind !== "Role" && refKind !== "ClusterRole") || !refName) {
    throw new PolicyFileError(
      `${kind} ${name}: roleRef needs kind Role or ClusterRole and a name`,
      source.line(ref ?? node),
    );
  }
  if (kind === "ClusterRoleBinding" && refKind === "Role") {
    throw new PolicyFileError(`ClusterRoleBinding ${name} cannot refer to a Role`, source.line(ref));
  }
  const subjects = (itemsOf(pairNamed(node, doc, "subjects")?.value, doc) ?? []).map((subject) => {
    const subjectKind = textOf(pairNamed(subject, doc, "kind")?.value, doc);
    const subjectName = textOf(pairNamed(subject, doc, "name")?.value, doc);
    if (!subjectKind || !subjectName)
      throw new PolicyFileError("a subject needs kind and name", source.line(subject));
    const subjectNamespace =
      textOf(pairNamed(subject, doc, "namespace")?.value, doc) ??
      (subjectKind === "ServiceAccount" ? namespace : undefined);
    return {
      kind: subjectKind,
      name: subjectName,
      ...(subjectNamespace ? { namespace: subjectNamespace } : {}),
      line: source.line(subject),
    };
  });
  return {
    kind,
    name,
    ...(namespace ? { namespace } : {}),
    roleRef: { kind: refKind, name: refName },
    subjects,
    file: path,
    line,
  };
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}
