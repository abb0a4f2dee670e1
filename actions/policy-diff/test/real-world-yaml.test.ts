import { symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { brief, createRepo, diffCommitsCleanedUpAfterAll, diffRepo, type Repo } from "./repo.ts";

// Issue #12: YAML read as kubectl reads it. Empty documents are skipped, YAML with no kind or
// apiVersion is not policy, and an unreadable file matters only when its content changed.

const SECRETS_ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: api, namespace: payments }
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list]
`;
const CONFIGMAP_ROLE = SECRETS_ROLE.replace("[secrets]", "[configmaps]").replace("[get, list]", "[get]");
// One row for the rule's line, naming who holds the role (no binding in these files).
const SECRETS_ADDED = [
  "added escalation/critical Role payments/api (bound to no subject in the files read) | get, list | secrets",
];

// What a Kustomize/Helm layout puts under k8s/: none of it is a Kubernetes object.
const NOT_POLICY = {
  "k8s/kustomization.yaml": "resources:\n  - rbac.yaml\nnamespace: payments\n",
  "k8s/charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 1.2.3\n",
  "k8s/charts/api/values.yaml": "replicas: 2\nimage: { tag: latest }\n",
  "k8s/patches/replicas.yaml": "- op: replace\n  path: /spec/replicas\n  value: 3\n",
};

const diff = diffCommitsCleanedUpAfterAll();

describe("empty and comment-only documents", () => {
  it("skips them, so a Role after an empty document is read (attack: it hid get/list on secrets)", async () => {
    const head = `---\n---\n${SECRETS_ROLE}---\n# only a comment\n---\n`;
    const { diff: d, io, sarif } = await diff({ "k8s/rbac.yaml": CONFIGMAP_ROLE }, { "k8s/rbac.yaml": head });
    expect(d.unreadable).toEqual([]);
    expect(brief(d)).toEqual([
      ...SECRETS_ADDED,
      "removed reduction/info Role payments/api (bound to no subject in the files read) | get | configmaps",
    ]);
    expect(sarif.runs[0]?.results).toHaveLength(2);
    expect(io.summary).not.toContain("No privilege is added");
  });

  it("control: the same manifest with and without empty documents is the same policy", async () => {
    const { diff: d, outcome } = await diff(
      { "k8s/rbac.yaml": SECRETS_ROLE, "k8s/empty.yaml": "# only a comment\n" },
      { "k8s/rbac.yaml": `---\n# the payments API\n---\n${SECRETS_ROLE}---\n---\n` },
    );
    expect(d).toMatchObject({ changes: [], unreadable: [] });
    expect(outcome.failed).toBeUndefined();
  });
});

describe("YAML that is not policy", () => {
  it("counts kustomization.yaml, Chart.yaml, values and patches as not policy, so a docs-only commit passes (attack: it failed every run)", async () => {
    const {
      diff: d,
      io,
      log,
      outcome,
    } = await diff(
      { ...NOT_POLICY, "k8s/rbac.yaml": SECRETS_ROLE, "README.md": "a\n" },
      { "README.md": "b\n" },
    );
    expect(d).toMatchObject({ changes: [], unreadable: [] });
    expect(outcome.failed).toBeUndefined();
    expect(io.outputs.unreadable).toBe("0");
    expect(io.summary).toContain("Not policy: 4 files under the Kubernetes globs hold no Kubernetes object");
    expect(io.summary).not.toContain("Unreadable but unchanged");
    expect(log).toContain("Not policy: 4 files under the Kubernetes globs");
  });

  it("control: a Role among them is still read, and an RBAC kind without apiVersion is still unreadable", async () => {
    const noApiVersion = SECRETS_ROLE.replace("apiVersion: rbac.authorization.k8s.io/v1\n", "");
    const { diff: d, outcome } = await diff(NOT_POLICY, {
      "k8s/rbac.yaml": SECRETS_ROLE,
      "k8s/broken.yaml": noApiVersion,
    });
    expect(brief(d)).toEqual(SECRETS_ADDED);
    expect(d.unreadable).toEqual([
      {
        file: "k8s/broken.yaml",
        ref: "head",
        reason: "line 1: Role has no apiVersion (write apiVersion: rbac.authorization.k8s.io/v1)",
      },
    ]);
    expect(outcome.failed).toMatch(/k8s\/broken\.yaml at the head commit was not checked/);
  });
});

describe("an unreadable file matters only when it changed", () => {
  const BROKEN = `${SECRETS_ROLE}  - verbs: [get]\n   resources: [pods]\n`;

  it("notes an unreadable file that is the same at base and head, and does not fail", async () => {
    const {
      diff: d,
      io,
      log,
      outcome,
      sarif,
    } = await diff({ "k8s/broken.yaml": BROKEN, "README.md": "a\n" }, { "README.md": "b\n" });
    expect(d.unreadable).toEqual([]);
    expect(outcome.failed).toBeUndefined();
    expect(sarif.runs[0]?.invocations).toEqual([{ executionSuccessful: true }]);
    expect(io.summary).toContain("Unreadable but unchanged");
    expect(io.summary).toContain("`k8s/broken.yaml` at head: line 9:");
    expect(log).toContain("it is the same at both commits, so nothing in it changed");
  });

  it("notes a renamed unreadable file whose content is the same", async () => {
    const { diff: d } = await diff(
      { "k8s/broken.yaml": BROKEN },
      { "k8s/broken.yaml": null, "k8s/old.yaml": BROKEN },
    );
    expect(d.unreadable).toEqual([]);
  });

  it("control: an unreadable file that changed is unchecked, at both commits", async () => {
    const { diff: d, outcome } = await diff(
      { "k8s/broken.yaml": BROKEN },
      { "k8s/broken.yaml": BROKEN.replace("[get, list]", "[get, list, watch]") },
    );
    expect(d.unreadable.map((u) => `${u.file} ${u.ref}`)).toEqual([
      "k8s/broken.yaml base",
      "k8s/broken.yaml head",
    ]);
    expect(outcome.failed).toMatch(/^The scan is incomplete: k8s\/broken\.yaml at the base commit/);
  });

  it("treats a symbolic link whose target changed as changed, and one whose target did not as the same", async () => {
    const repo: Repo = await createRepo();
    try {
      await repo.write({ "deploy/role.txt": SECRETS_ROLE, "README.md": "a\n", "k8s/.keep": "" });
      await symlink("../deploy/role.txt", path.join(repo.dir, "k8s/rbac.yaml"));
      const base = await repo.commit({}, "base");
      const docsOnly = await repo.commit({ "README.md": "b\n" }, "docs");
      const unchanged = await diffRepo(repo, base, docsOnly);
      expect(unchanged.diff.unreadable).toEqual([]);
      // The link's own blob is the same; what kubectl would apply through it is not.
      const widened = await repo.commit({ "deploy/role.txt": SECRETS_ROLE.replace("[get, list]", "['*']") });
      const changed = await diffRepo(repo, base, widened);
      expect(changed.diff.unreadable).toEqual([
        { file: "k8s/rbac.yaml", ref: "base", reason: "a symbolic link; policy files must be regular files" },
        { file: "k8s/rbac.yaml", ref: "head", reason: "a symbolic link; policy files must be regular files" },
      ]);
    } finally {
      await repo.cleanup();
    }
  });
});

describe("coverage: what could not be read is recorded, at the top, and decides the step", () => {
  const history = {
    base: { "k8s/rbac.yaml": CONFIGMAP_ROLE },
    head: { "k8s/rbac.yaml": `${SECRETS_ROLE}  - [not, a, rule\n` },
  };

  it("records the gap in the SARIF run, the diff file, the top of the summary and the outcome", async () => {
    const { diff: d, io, sarif, outcome } = await diff(history.base, history.head);
    expect(d.unreadable).toHaveLength(1);
    expect(d.unreadable[0]).toMatchObject({ file: "k8s/rbac.yaml", ref: "head" });
    expect(sarif.runs[0]?.invocations).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          {
            level: "error",
            message: {
              text: expect.stringMatching(
                /^Not checked: k8s\/rbac\.yaml at the head commit: could not be read \(line \d+: .*\), and it changed between base and head$/,
              ),
            },
            descriptor: { id: "secflow/unchecked" },
          },
        ],
      },
    ]);
    // The warning comes before the table and its "No privilege is added".
    expect(io.summary.indexOf("> [!WARNING]")).toBeGreaterThan(-1);
    expect(io.summary.indexOf("> [!WARNING]")).toBeLessThan(io.summary.indexOf("No privilege is added"));
    expect(io.summary).toContain("in the files that could be read");
    expect(outcome.failed).toMatch(
      /^The scan is incomplete: k8s\/rbac\.yaml at the head commit was not checked: .*set on-unchecked: warn/,
    );
  });

  it.each([
    ["the default: fail", {}, {}, {}, true],
    ["the input warn", {}, {}, { "on-unchecked": "warn" }, false],
    ["the base config's warn", { ".github/secflow.yml": "on-unchecked: warn\n" }, {}, {}, false],
    [
      "not the head config's warn: a pull request cannot accept its own gaps",
      {},
      { ".github/secflow.yml": "on-unchecked: warn\n" },
      {},
      true,
    ],
    [
      "the input fail over the base config's warn",
      { ".github/secflow.yml": "on-unchecked: warn\n" },
      {},
      { "on-unchecked": "fail" },
      true,
    ],
  ])("is decided by %s", async (_name, baseFiles, headFiles, input, fails) => {
    const { outcome, diff: d } = await diff(
      { ...history.base, ...baseFiles },
      { ...history.head, ...headFiles },
      input as Record<string, string>,
    );
    // Whatever the step does, the diff file keeps the gap for the gate.
    expect(d.unreadable.map((u) => u.file)).toContain("k8s/rbac.yaml");
    expect(outcome.failed !== undefined).toBe(fails);
  });

  it("combines with fail-on: both reasons are given", async () => {
    const { outcome } = await diff(
      { ...history.base, "k8s/other.yaml": CONFIGMAP_ROLE.replace("name: api", "name: other") },
      { ...history.head, "k8s/other.yaml": SECRETS_ROLE.replace("name: api", "name: other") },
      { "fail-on": "high" },
    );
    expect(outcome.failed).toMatch(
      /^The scan is incomplete: .*\. \d+ new finding\(s\) of severity high or higher \(fail-on: high\)/,
    );
  });

  it("control: a complete run says so, with no warning and no failure", async () => {
    const { sarif, io, outcome } = await diff(history.base, { "k8s/rbac.yaml": SECRETS_ROLE });
    expect(sarif.runs[0]?.invocations).toEqual([{ executionSuccessful: true }]);
    expect(io.summary).not.toContain("[!WARNING]");
    expect(outcome.failed).toBeUndefined();
  });
});
