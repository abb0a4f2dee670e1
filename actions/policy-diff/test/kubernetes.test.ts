import { describe, expect, it } from "vitest";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

const RBAC = `apiVersion: v1
kind: ServiceAccount
metadata: { name: api, namespace: payments }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: api-reader
  namespace: payments
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: api-reader
  namespace: payments
subjects:
  - kind: ServiceAccount
    name: api
roleRef:
  kind: Role
  name: api-reader
  apiGroup: rbac.authorization.k8s.io
`;

const diff = diffCommitsCleanedUpAfterAll();

describe("Kubernetes RBAC", () => {
  it("reports a Role gaining get on secrets as a critical escalation at the rule's line", async () => {
    const head = RBAC.replace(
      "    verbs: [get, list]\n",
      '    verbs: [get, list]\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get]\n',
    );
    const { diff: d } = await diff({ "k8s/rbac.yaml": RBAC }, { "k8s/rbac.yaml": head });
    // The row names who gains it: the service account the role is bound to.
    expect(brief(d)).toEqual([
      "added escalation/critical Role payments/api-reader (bound to ServiceAccount payments/api) | get | secrets",
    ]);
    expect(d.changes[0]?.line).toBe(14);
  });

  it("reports a subject bound to a stronger role as widened, and a wildcard rule", async () => {
    const base = RBAC.replace("  kind: Role\n  name: api-reader\n", "  kind: ClusterRole\n  name: view\n");
    const head = RBAC.replace(
      "  kind: Role\n  name: api-reader\n",
      "  kind: ClusterRole\n  name: admin\n",
    ).replace("resources: [configmaps]", "resources: ['*']");
    const { diff: d } = await diff({ "k8s/rbac.yaml": base }, { "k8s/rbac.yaml": head });
    // `*` resources include secrets, so reading them is critical; one row for the rule's line.
    expect(brief(d)).toEqual([
      "widened escalation/critical Role payments/api-reader (bound to no subject in the files read) | get, list | *",
      "widened escalation/critical ServiceAccount payments/api | bound to ClusterRole admin | in namespace payments",
    ]);
    expect(d.changes[1]).toMatchObject({
      before: "bound to ClusterRole view in namespace payments",
      line: 21,
    });
  });

  it("resolves aggregation: a labelled ClusterRole adds its rules to the one that selects it", async () => {
    const aggregate = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: monitoring }
aggregationRule:
  clusterRoleSelectors:
    - matchLabels: { rbac.example.com/aggregate-to-monitoring: "true" }
rules: []
`;
    const extra = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: pod-exec
  labels: { rbac.example.com/aggregate-to-monitoring: "true" }
rules:
  - apiGroups: [""]
    resources: [pods/exec]
    verbs: [create]
`;
    const { diff: d } = await diff({ "k8s/monitoring.yaml": aggregate }, { "k8s/pod-exec.yaml": extra });
    // One rule, two roles that hold it: one row naming both.
    expect(brief(d)).toEqual([
      "added escalation/critical ClusterRole monitoring (bound to no subject in the files read), ClusterRole pod-exec (bound to no subject in the files read) | create | pods/exec",
    ]);
  });

  it("reports nothing when objects move between files and lists are reordered", async () => {
    const [sa, role, binding] = RBAC.split("---\n");
    const reordered = (role ?? "").replace("verbs: [get, list]", "verbs: [list, get]");
    const { diff: d } = await diff(
      { "k8s/rbac.yaml": RBAC },
      { "k8s/rbac.yaml": `${binding}---\n${sa}`, "k8s/role.yml": reordered },
    );
    expect(d.changes).toEqual([]);
  });

  it("records an unknown RBAC kind as unreadable, and counts a document that is no Kubernetes object as not policy", async () => {
    const head = RBAC.replace("kind: RoleBinding", "kind: RoleBindingz");
    const { diff: d, io } = await diff(
      { "k8s/rbac.yaml": RBAC, "k8s/values.yaml": "replicas: 1\n" },
      { "k8s/rbac.yaml": head },
    );
    expect(d.unreadable).toEqual([
      {
        file: "k8s/rbac.yaml",
        ref: "head",
        reason:
          'line 16: unknown kind "RoleBindingz" in rbac.authorization.k8s.io/v1; RBAC has Role, ClusterRole, RoleBinding, ClusterRoleBinding',
      },
    ]);
    expect(io.summary).toContain("Not policy: 1 file under the Kubernetes globs");
    // The unreadable file's grants are not reported as removed.
    expect(d.changes).toEqual([]);
  });
});
