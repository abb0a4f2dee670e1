import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classify } from "../src/classify.ts";
import { diffGrants } from "../src/diff.ts";
import type { PolicyChange } from "../src/diff-file.ts";
import type { Grant } from "../src/grant.ts";
import { enrolmentCoverage, readEnrolment } from "../src/readers/enrolment.ts";
import { iamCoverage, readIamPolicy } from "../src/readers/iam.ts";

// Generated policies go through the real readers and the real diff; only git is left out.

const ACTIONS = [
  "s3:GetObject",
  "s3:PutObject",
  "s3:Get*",
  "s3:*",
  "iam:PassRole",
  "iam:Get*",
  "ec2:DescribeInstances",
  "sqs:SendMessage",
  "*",
];
const RESOURCES = [
  "*",
  "arn:aws:s3:::invoices",
  "arn:aws:s3:::invoices/*",
  "arn:aws:s3:::logs/*",
  "arn:aws:sqs:eu-west-1:1:jobs",
];

interface Statement {
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

const statement: fc.Arbitrary<Statement> = fc.record(
  {
    Effect: fc.constantFrom("Allow" as const, "Allow" as const, "Deny" as const),
    Action: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 }),
    Resource: fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 2 }),
    Condition: fc.constantFrom<Record<string, Record<string, string>>>(
      { Bool: { "aws:SecureTransport": "true" } },
      { StringEquals: { "aws:PrincipalOrgID": "o-1" } },
    ),
  },
  { requiredKeys: ["Effect", "Action", "Resource"] },
);
const policy = fc.array(statement, { minLength: 0, maxLength: 5 });

const iam = (statements: Statement[], indent = 2) =>
  readIamPolicy({
    path: "iam/p.json",
    identityPath: "iam/p.json",
    text: JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, indent),
  });
const changes = (base: Grant[], head: Grant[]): PolicyChange[] =>
  diffGrants(base, head, (source) => (source === "iam" ? iamCoverage : enrolmentCoverage)).changes.map((c) =>
    classify(c, { resources: [], secrets: [] }),
  );

/** An oracle written apart from the code under test: does any Allow statement match this action and resource? */
const globMatches = (pattern: string, value: string, caseInsensitive: boolean) =>
  new RegExp(
    `^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`,
    caseInsensitive ? "i" : "",
  ).test(value);
const grantsSomewhere = (statements: Statement[], action: string, resource: string) =>
  statements.some(
    (s) =>
      s.Effect === "Allow" &&
      s.Action.some((a) => globMatches(a, action, true)) &&
      s.Resource.some((r) => globMatches(r, resource, false)),
  );

describe("properties of the diff", () => {
  it("diff(a, a) is empty for any IAM policy, however it is formatted or ordered", () => {
    fc.assert(
      fc.property(policy, fc.integer({ min: 0, max: 4 }), (statements, indent) => {
        const shuffled = [...statements]
          .reverse()
          .map((s) => ({ ...s, Action: [...s.Action].reverse().map((a) => a.toUpperCase()) }));
        expect(changes(iam(statements), iam(statements))).toEqual([]);
        expect(changes(iam(statements), iam(shuffled, indent))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("diff(a, b) reports a growth whenever b allows an action on a resource that a does not, with the grant's own risk", () => {
    // AWS access levels: GetObject Read, DeleteObject and RunInstances Write; kms:Decrypt reads
    // keys (credential access); iam:PassRole is a privilege-escalation path.
    const ACTION_RISK: Record<string, string> = {
      "s3:GetObject": "low",
      "s3:DeleteObject": "medium",
      "iam:PassRole": "critical",
      "kms:Decrypt": "high",
      "ec2:RunInstances": "medium",
    };
    const concrete = fc.record({
      action: fc.constantFrom(
        "s3:GetObject",
        "s3:DeleteObject",
        "iam:PassRole",
        "kms:Decrypt",
        "ec2:RunInstances",
      ),
      resource: fc.constantFrom(
        "arn:aws:s3:::invoices/2026.pdf",
        "arn:aws:kms:eu-west-1:1:key/k",
        "arn:aws:ec2:eu-west-1:1:instance/i",
      ),
    });
    fc.assert(
      fc.property(policy, concrete, fc.boolean(), (statements, extra, conditioned) => {
        fc.pre(!grantsSomewhere(statements, extra.action, extra.resource));
        const added: Statement = {
          Effect: "Allow",
          Action: [extra.action],
          Resource: [extra.resource],
          ...(conditioned ? { Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } } : {}),
        };
        const found = changes(iam(statements), iam([...statements, added]));
        const growth = found.find(
          (c) =>
            (c.class === "escalation" || c.class === "widening") &&
            c.permission === extra.action &&
            c.resource === extra.resource,
        );
        expect(growth).toBeDefined();
        // The class follows the severity, and the severity the action's own risk.
        expect(growth?.class).toBe(
          ["high", "critical"].includes(growth?.severity ?? "") ? "escalation" : "widening",
        );
        // Running an instance while the policy also lets its holders pass a role runs code as
        // that role (Rhino Security Labs): critical.
        const passRole = statements.some(
          (s) => s.Effect === "Allow" && s.Action.some((a) => globMatches(a, "iam:PassRole", true)),
        );
        const expected =
          extra.action === "ec2:RunInstances" && passRole ? "critical" : ACTION_RISK[extra.action];
        expect(growth?.severity).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("removing a statement never reports an escalation unless it was a Deny", () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 5 }), fc.nat(), (statements, pick) => {
        const index = pick % statements.length;
        const removed = statements[index] as Statement;
        const found = changes(iam(statements), iam(statements.filter((_, i) => i !== index)));
        if (removed.Effect === "Allow")
          expect(found.filter((c) => c.class === "escalation" || c.class === "widening")).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("diff(a, a) is empty and an added resource escalates, for any service enrolment", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const enrolment = fc.record({
      resources: fc.uniqueArray(
        fc.record({ name: name.map((n) => `db/${n}`), access: fc.constantFrom("read", "write", "admin") }),
        { selector: (r) => r.name, maxLength: 4 },
      ),
      secrets: fc.uniqueArray(
        name.map((n) => n.toUpperCase()),
        { maxLength: 3 },
      ),
      egress: fc.uniqueArray(
        name.map((n) => `${n}.example.com:443`),
        { maxLength: 3 },
      ),
    });
    const text = (e: object) => JSON.stringify({ version: 1, service: "api", owner: "@acme/team", ...e });
    const read = (e: object) =>
      readEnrolment({ path: "secflow-policy.yml", identityPath: "secflow-policy.yml", text: text(e) });
    fc.assert(
      fc.property(enrolment, name, (e, extra) => {
        expect(changes(read(e), read({ ...e, resources: [...e.resources].reverse() }))).toEqual([]);
        fc.pre(!e.resources.some((r) => r.name === `queue/${extra}`));
        const found = changes(
          read(e),
          read({ ...e, resources: [...e.resources, { name: `queue/${extra}`, access: "read" }] }),
        );
        expect(found.map((c) => `${c.kind} ${c.class} ${c.resource}`)).toEqual([
          `added escalation queue/${extra}`,
        ]);
      }),
      { numRuns: 100 },
    );
  });
});
