// A pull request that touches a few policy files of many: an IAM policy the change leaves as it
// was is not read (its grants are its own), and the files other files refer to (a RoleBinding in
// an untouched file naming a role the change edits, a workflow, CODEOWNERS) are read once for
// both commits. The diff must be the one reading everything at both commits gives: the reference
// run below makes every untouched file differ at the base by a trailing newline (the same
// grants, another blob), so it reads them all. The SARIF says what was read, so a regression in
// the count fails here.

import { describe, expect, it } from "vitest";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

const iam = (action: string) =>
  `${JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: [action], Resource: "*" }] }, null, 2)}\n`;

const ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: api-reader
  namespace: payments
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list]
`;

const BINDING = `apiVersion: rbac.authorization.k8s.io/v1
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

const WORKFLOW = `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - run: echo hi
`;

/** The untouched files: IAM policies, a binding, a workflow and CODEOWNERS. */
const UNTOUCHED: Record<string, string> = {
  "iam/logs.json": iam("logs:PutLogEvents"),
  "iam/queue.json": iam("sqs:SendMessage"),
  "iam/table.json": iam("dynamodb:GetItem"),
  "k8s/binding.yaml": BINDING,
  ".github/workflows/ci.yml": WORKFLOW,
  ".github/CODEOWNERS": "* @acme/dev\n",
};

/** The change: one IAM policy gains a wildcard, the Role gains reading secrets. */
const CHANGED_BASE = { "iam/bucket.json": iam("s3:GetObject"), "k8s/role.yaml": ROLE };
const CHANGED_HEAD = {
  "iam/bucket.json": iam("s3:*"),
  "k8s/role.yaml": ROLE.replace(
    "    verbs: [get, list]\n",
    '    verbs: [get, list]\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get]\n',
  ),
};

const diff = diffCommitsCleanedUpAfterAll();

function readsOf(sarif: { runs: { properties?: Record<string, unknown> }[] }) {
  return (sarif.runs[0]?.properties?.secflow as { policyFilesRead?: unknown }).policyFilesRead;
}

describe("policy files the change leaves as they were", () => {
  it("are not read (IAM) or read once (what changed files refer to), with the diff of reading everything", async () => {
    const fast = await diff({ ...UNTOUCHED, ...CHANGED_BASE }, CHANGED_HEAD);
    const touchedAtBase = Object.fromEntries(Object.entries(UNTOUCHED).map(([p, text]) => [p, `${text}\n`]));
    const full = await diff({ ...touchedAtBase, ...CHANGED_BASE }, { ...UNTOUCHED, ...CHANGED_HEAD });

    expect(readsOf(fast.sarif)).toEqual({
      // Head: the two changed files, and the binding, the workflow and CODEOWNERS, once for both.
      head: { parsed: 5, shared: 0, skipped: 3 },
      base: { parsed: 2, shared: 3, skipped: 3 },
    });
    expect(readsOf(full.sarif)).toEqual({
      head: { parsed: 8, shared: 0, skipped: 0 },
      base: { parsed: 8, shared: 0, skipped: 0 },
    });
    expect(fast.log).toContain(
      "Read 5 policy files at the head and 2 at the base; 3 unchanged files read once for both commits, 3 unchanged IAM policies not read",
    );

    // The same changes, lines, severities and SARIF results.
    const { base: _b1, head: _h1, ...fastDiff } = fast.diff;
    const { base: _b2, head: _h2, ...fullDiff } = full.diff;
    expect(fastDiff).toEqual(fullDiff);
    expect(fast.sarif.runs[0]?.results).toEqual(full.sarif.runs[0]?.results);
    // The untouched binding was read: the role's new permission names who holds it.
    expect(brief(fast.diff)).toEqual(
      expect.arrayContaining([
        "added escalation/critical Role payments/api-reader (bound to ServiceAccount payments/api) | get | secrets",
      ]),
    );
    expect(
      brief(fast.diff).some((row) => row.includes("policy iam/bucket.json") || row.includes("s3:")),
    ).toBe(true);
  });

  it("a file only renamed is read at both commits, under both paths", async () => {
    const { sarif, diff: d } = await diff(
      { ...UNTOUCHED, ...CHANGED_BASE },
      { "iam/logs.json": null, "iam/logging.json": UNTOUCHED["iam/logs.json"] as string },
    );
    // The renamed policy at both commits; bucket.json, queue.json, table.json unread; the Role,
    // the binding, the workflow and CODEOWNERS read once.
    expect(readsOf(sarif)).toEqual({
      head: { parsed: 5, shared: 0, skipped: 3 },
      base: { parsed: 1, shared: 4, skipped: 3 },
    });
    expect(d.changes).toEqual([]);
  });
});
