import { describe, expect, it } from "vitest";
import { PolicyFileError } from "../src/policy-file-error.ts";
import { readEnrolment } from "../src/readers/enrolment.ts";
import { readIamPolicy } from "../src/readers/iam.ts";
import { readRbacObjects } from "../src/readers/kubernetes-model.ts";
import { readWorkflow } from "../src/readers/workflow.ts";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

// Issue #12: a policy file comes from the pull request. An alias bomb, an alias that contains
// itself or nesting thousands deep is "unreadable" with a reason, never a crash or a hang.

/** The billion laughs: nine levels of nine aliases, 9^9 values once expanded. */
function billionLaughs(indent = ""): string {
  const lines = [`${indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]`];
  for (let i = 1; i <= 9; i++)
    lines.push(
      `${indent}l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\n`;
}

const ROLE = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
  labels:
${billionLaughs("    ")}    all: *l9
rules:
  - { apiGroups: [""], resources: [configmaps], verbs: [get] }
`;

const file = (text: string, path = "k8s/rbac.yaml") => ({ path, identityPath: path, text });

/** The PolicyFileError a reader throws, as "line: message". */
function readError(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof PolicyFileError) return `${error.line}: ${error.message}`;
    throw error;
  }
  throw new Error("expected a PolicyFileError");
}

const diff = diffCommitsCleanedUpAfterAll();

describe("bounded YAML", () => {
  it("reports a billion-laughs Role in k8s/ as unreadable: too many aliases (attack: it crashed the run)", async () => {
    const started = Date.now();
    const { diff: d, outcome } = await diff({ "README.md": "a\n" }, { "k8s/rbac.yaml": ROLE });
    expect(d.unreadable).toEqual([
      {
        file: "k8s/rbac.yaml",
        ref: "head",
        reason: expect.stringMatching(/^line \d+: too many aliases: they expand to more than 100000 values/),
      },
    ]);
    expect(outcome.failed).toMatch(/k8s\/rbac\.yaml at the head commit was not checked/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("reports an alias bomb in secflow.yml and in an enrolment file as unreadable, not a crash", async () => {
    const bomb = `${billionLaughs()}team: *l9\n`;
    const { diff: d } = await diff(
      { "README.md": "a\n" },
      { ".github/secflow.yml": bomb, "svc/secflow-policy.yml": `version: 1\n${bomb}` },
    );
    expect(d.unreadable.map((u) => `${u.file}: ${u.reason.replace(/^line \d+: /, "")}`)).toEqual([
      ".github/secflow.yml: too many aliases: they expand to more than 100000 values (an alias bomb?)",
      "svc/secflow-policy.yml: too many aliases: they expand to more than 100000 values (an alias bomb?)",
    ]);
  });

  it("refuses an alias that contains itself, an alias with no anchor, and nesting deeper than 100 levels", () => {
    const selfList =
      "apiVersion: v1\nkind: List\nitems: &items\n  - { apiVersion: v1, kind: List, items: *items }\n";
    expect(readError(() => readRbacObjects(file(selfList)))).toBe(
      "4: alias *items refers to a value that contains it",
    );
    expect(readError(() => readRbacObjects(file("a: *nowhere\n")))).toBe(
      "1: alias *nowhere has no anchor &nowhere before it",
    );
    const deepFlow = `${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    expect(readError(() => readRbacObjects(file(deepFlow)))).toMatch(/^\d+: nested deeper than 100 levels$/);
    const deepBlock = Array.from({ length: 150 }, (_, i) => `${" ".repeat(i)}k:`).join("\n");
    expect(readError(() => readWorkflow(file(`${deepBlock} 1\n`, ".github/workflows/x.yml")))).toMatch(
      /^\d+: nested deeper than 100 levels$/,
    );
    const deepJson = `{"Statement": ${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expect(readError(() => readIamPolicy(file(deepJson, "iam/p.json")))).toBe(
      "undefined: nested deeper than 100 levels",
    );
  });

  it("reads a file with many aliases quickly (resolving each alias through the yaml package scanned the whole file)", () => {
    const verbs = Array(15_000).fill("*v").join(", ");
    const role = `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: r }\nrules:\n  - { apiGroups: [""], resources: [pods], verbs: [&v get, ${verbs}] }\n`;
    const started = Date.now();
    const objects = readRbacObjects(file(role));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(objects.roles[0]?.rules[0]?.verbs).toHaveLength(15_001);
  });

  it("refuses a file whose roles expand to more verb × resource pairs than can be compared", () => {
    const many = (prefix: string) => Array.from({ length: 150 }, (_, i) => `${prefix}${i}`).join(", ");
    const role = `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: r }\nrules:\n  - { apiGroups: [""], resources: [${many("r")}], verbs: [${many("v")}] }\n`;
    expect(readError(() => readRbacObjects(file(role)))).toBe(
      "undefined: the roles grant 22500 verb × resource pairs; policy-diff compares at most 20000 per file (split the file or use wildcards)",
    );
  });

  it("control: anchors and aliases as teams use them are read as before", async () => {
    // A workflow reusing one step 200 times, and an enrolment file with a YAML anchor.
    const steps = Array.from({ length: 200 }, () => "      - *checkout").join("\n");
    const workflow = `on: push\npermissions: { contents: read }\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - &checkout { uses: actions/checkout@v4 }\n${steps}\n`;
    const enrolment =
      "version: 1\nservice: api\nowner: '@acme/api'\nsecrets: &s [DB_PASSWORD]\negress: [api.example.com]\n";
    const { diff: d } = await diff(
      { "README.md": "a\n" },
      { ".github/workflows/build.yml": workflow, "svc/secflow-policy.yml": enrolment },
    );
    expect(d.unreadable).toEqual([]);
    expect(brief(d)).toEqual(
      expect.arrayContaining([
        "added widening/low job build | unpinned action | actions/checkout",
        "added escalation/high service api | read secret | DB_PASSWORD",
      ]),
    );
    expect(readEnrolment(file(enrolment, "svc/secflow-policy.yml"))).toHaveLength(3);
  });
});
