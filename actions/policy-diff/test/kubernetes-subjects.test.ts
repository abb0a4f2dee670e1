import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { rbacRisk } from "../src/readers/kubernetes-risk.ts";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

// Issue #13: RBAC rows name who gains what (the subjects bound to the role), one row per rule
// line, "namespace unset" rather than a guessed `default/`, and severity from the verb and
// resource. Real manifests from kubebuilder and kube-prometheus (see fixtures/README.md).

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (file: string) => readFileSync(path.join(fixtures, file), "utf8");

const diff = diffCommitsCleanedUpAfterAll();

describe("RBAC rows name who gains what", () => {
  it("a kubebuilder scaffold's leader-election Role: one row per rule line (it was 16 rows), namespace unset, bound subject named", async () => {
    const { diff: d } = await diff(
      { "README.md": "a project\n" },
      {
        "config/rbac/leader_election_role.yaml": fixture("kubebuilder/leader_election_role.yaml"),
        "config/rbac/leader_election_role_binding.yaml": fixture(
          "kubebuilder/leader_election_role_binding.yaml",
        ),
      },
    );
    const role =
      "Role leader-election-role (namespace unset) (bound to ServiceAccount project-v4-system/controller-manager)";
    // Reading and writing configmaps, leases and events: no secret, no code: medium at most.
    expect(brief(d)).toEqual([
      `added widening/medium ${role} | get, list, watch, create, update, patch, delete | configmaps`,
      `added widening/medium ${role} | get, list, watch, create, update, patch, delete | leases.coordination.k8s.io`,
      `added widening/medium ${role} | create, patch | events`,
      "added widening/medium ServiceAccount project-v4-system/controller-manager | bound to Role leader-election-role (namespace unset) | in its namespace (namespace unset)",
    ]);
    expect(d.changes.map((c) => c.line)).toEqual([14, 26, 38, 13]);
    expect(d.changes[0]?.after).toBe("get, list, watch, create, update, patch, delete on configmaps");
    expect(d.counts.escalations).toBe(0);
    expect(JSON.stringify(d)).not.toContain("default/");
  });

  it("kube-prometheus v0.16.0 → v0.17.0: Prometheus's Roles move from endpoints to endpointslices, low, naming the service account", async () => {
    const at = (version: string) => ({
      "manifests/prometheus-roleSpecificNamespaces.yaml": fixture(
        `kube-prometheus/prometheus-roleSpecificNamespaces.${version}.yaml`,
      ),
      "manifests/prometheus-roleBindingSpecificNamespaces.yaml": fixture(
        `kube-prometheus/prometheus-roleBindingSpecificNamespaces.${version}.yaml`,
      ),
    });
    const { diff: d } = await diff(at("v0.16.0"), at("v0.17.0"));
    const holder = "(bound to ServiceAccount monitoring/prometheus-k8s)";
    expect(brief(d)).toEqual([
      `added widening/low Role default/prometheus-k8s ${holder} | get, list, watch | endpointslices.discovery.k8s.io`,
      `added widening/low Role kube-system/prometheus-k8s ${holder} | get, list, watch | endpointslices.discovery.k8s.io`,
      `added widening/low Role monitoring/prometheus-k8s ${holder} | get, list, watch | endpointslices.discovery.k8s.io`,
      `removed reduction/info Role default/prometheus-k8s ${holder} | get, list, watch | endpoints`,
      `removed reduction/info Role kube-system/prometheus-k8s ${holder} | get, list, watch | endpoints`,
      `removed reduction/info Role monitoring/prometheus-k8s ${holder} | get, list, watch | endpoints`,
    ]);
  });

  it("control: a subject bound to a role that gains secrets is named, and the change is critical", async () => {
    const role = fixture("kubebuilder/leader_election_role.yaml");
    const withSecrets = role.replace("  - configmaps\n", "  - configmaps\n  - secrets\n");
    const binding = fixture("kubebuilder/leader_election_role_binding.yaml");
    const { diff: d } = await diff(
      { "config/rbac/role.yaml": role, "config/rbac/binding.yaml": binding },
      { "config/rbac/role.yaml": withSecrets },
    );
    expect(brief(d)).toEqual([
      "added escalation/critical Role leader-election-role (namespace unset) (bound to ServiceAccount project-v4-system/controller-manager) | get, list, watch, create, update, patch, delete | secrets",
    ]);
    expect(d.changes[0]?.line).toBe(14);
  });

  it("recognises a renamed role with the same rules: no added and removed rules, and its subjects stay bound", async () => {
    const role = fixture("kubebuilder/leader_election_role.yaml");
    const binding = fixture("kubebuilder/leader_election_role_binding.yaml");
    const rename = (text: string) => text.replaceAll("leader-election-role", "leader-election");
    const { diff: d, io } = await diff(
      { "config/rbac/role.yaml": role, "config/rbac/binding.yaml": binding },
      { "config/rbac/role.yaml": rename(role), "config/rbac/binding.yaml": rename(binding) },
    );
    expect(d.changes).toEqual([]);
    expect(io.summary).toContain(
      "Renamed or moved, compared under the new name: Role leader-election-role (namespace unset) (config/rbac/role.yaml) → Role leader-election (namespace unset) (config/rbac/role.yaml).",
    );
  });

  it("control: a new subject bound to the renamed role is still reported", async () => {
    const role = fixture("kubebuilder/leader_election_role.yaml");
    const binding = fixture("kubebuilder/leader_election_role_binding.yaml");
    const rename = (text: string) => text.replaceAll("leader-election-role", "leader-election");
    const { diff: d } = await diff(
      { "config/rbac/role.yaml": role, "config/rbac/binding.yaml": binding },
      {
        "config/rbac/role.yaml": rename(role),
        "config/rbac/binding.yaml": rename(binding).replaceAll("controller-manager", "intruder"),
      },
    );
    expect(brief(d)).toEqual([
      "added widening/medium ServiceAccount project-v4-system/intruder | bound to Role leader-election (namespace unset) | in its namespace (namespace unset)",
      "removed reduction/info ServiceAccount project-v4-system/controller-manager | bound to Role leader-election-role (namespace unset) | in its namespace (namespace unset)",
    ]);
  });
});

describe("RBAC risk by verb and resource", () => {
  const risk = (verb: string, resource: string, group = "") => rbacRisk({ verb, group, resource }).risk;

  it("rates escalation verbs, secrets, exec, node proxy, tokens and wildcards critical; workloads high; reads low", () => {
    expect(risk("escalate", "roles", "rbac.authorization.k8s.io")).toBe("critical");
    expect(risk("bind", "clusterroles", "rbac.authorization.k8s.io")).toBe("critical");
    expect(risk("impersonate", "users")).toBe("critical");
    expect(risk("get", "secrets")).toBe("critical");
    expect(risk("watch", "secrets")).toBe("critical");
    expect(risk("create", "pods/exec")).toBe("critical");
    expect(risk("create", "pods/attach")).toBe("critical");
    expect(risk("get", "nodes/proxy")).toBe("critical");
    expect(risk("create", "serviceaccounts/token")).toBe("critical");
    expect(risk("*", "configmaps")).toBe("critical");
    expect(risk("get", "*")).toBe("critical");
    expect(risk("create", "deployments", "apps")).toBe("high");
    expect(risk("patch", "daemonsets", "apps")).toBe("high");
    expect(risk("create", "pods")).toBe("high");
    expect(risk("delete", "configmaps")).toBe("medium");
    expect(risk("get", "configmaps")).toBe("low");
    expect(risk("list", "pods")).toBe("low");
    expect(rbacRisk({ verb: "get", group: "", resource: "secrets" }).why).toBe(
      "reading secrets (Kubernetes RBAC good practices)",
    );
  });
});
