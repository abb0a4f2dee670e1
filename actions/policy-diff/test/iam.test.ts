import { describe, expect, it } from "vitest";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadInvoices",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::invoices", "arn:aws:s3:::invoices/*"],
      "Condition": { "Bool": { "aws:SecureTransport": "true" } }
    },
    {
      "Effect": "Deny",
      "Action": "s3:DeleteObject",
      "Resource": "*"
    }
  ]
}
`;

const edit = (change: (doc: any) => void) => {
  const doc = JSON.parse(POLICY);
  change(doc);
  return JSON.stringify(doc, null, 2);
};

const diff = diffCommitsCleanedUpAfterAll();

describe("AWS IAM policies", () => {
  it("reports iam:PassRole as a critical escalation at the line of the action", async () => {
    const head = POLICY.replace('"Action": "s3:DeleteObject",', '"Action": "s3:DeleteObject",').replace(
      "  ]\n}",
      '    ,{ "Effect": "Allow",\n      "Action": "iam:PassRole",\n      "Resource": "arn:aws:iam::123456789012:role/deployer" }\n  ]\n}',
    );
    const { diff: d } = await diff({ "infra/iam/app.json": POLICY }, { "infra/iam/app.json": head });
    expect(brief(d)).toEqual([
      "added escalation/critical holders of the policy | iam:PassRole | arn:aws:iam::123456789012:role/deployer",
    ]);
    expect(d.changes[0]).toMatchObject({ line: 17, file: "infra/iam/app.json", side: "head" });
  });

  it("treats s3:Get* as covering s3:GetObject: a wildcard widens, the covered action is no change", async () => {
    const head = edit((doc) => {
      doc.Statement[0].Action = ["s3:Get*", "s3:ListBucket"];
    });
    const { diff: d } = await diff({ "infra/iam/app.json": POLICY }, { "infra/iam/app.json": head });
    // Every s3:Get* action is Read or List in AWS's access levels: low. One row for the line.
    expect(brief(d)).toEqual([
      "widened widening/low holders of the policy | s3:Get* | arn:aws:s3:::invoices, arn:aws:s3:::invoices/*",
    ]);
    expect(d.changes[0]).toMatchObject({
      before:
        "s3:GetObject on arn:aws:s3:::invoices if Bool aws:securetransport = true; s3:GetObject on arn:aws:s3:::invoices/* if Bool aws:securetransport = true",
      after:
        "s3:Get* on arn:aws:s3:::invoices if Bool aws:securetransport = true; s3:Get* on arn:aws:s3:::invoices/* if Bool aws:securetransport = true",
    });
  });

  it("widens when a condition is removed, when a deny goes, and when Principal becomes *", async () => {
    const head = edit((doc) => {
      delete doc.Statement[0].Condition;
      doc.Statement.pop();
    });
    const { diff: d } = await diff({ "infra/iam/app.json": POLICY }, { "infra/iam/app.json": head });
    expect(brief(d)).toEqual([
      // A deny of deletes everywhere is gone: deleting objects is Write, medium.
      "removed widening/medium holders of the policy | s3:DeleteObject | *",
      "widened widening/low holders of the policy | s3:GetObject | arn:aws:s3:::invoices, arn:aws:s3:::invoices/*",
      "widened widening/low holders of the policy | s3:ListBucket | arn:aws:s3:::invoices, arn:aws:s3:::invoices/*",
    ]);
    expect(d.changes[0]).toMatchObject({ effect: "deny", side: "base", line: 13 });

    const trust = (principal: unknown) =>
      JSON.stringify({ Statement: { Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" } });
    const { diff: open } = await diff(
      { "iam/trust.json": trust({ AWS: "arn:aws:iam::111122223333:root" }) },
      { "iam/trust.json": trust("*") },
    );
    expect(brief(open)).toEqual([
      "widened escalation/critical anyone (Principal *) | sts:AssumeRole | (the resource the policy is attached to)",
    ]);
    expect(open.changes[0]?.before).toBe(
      "AWS:arn:aws:iam::111122223333:root: sts:AssumeRole on (the resource the policy is attached to)",
    );
  });

  it("reports nothing for reformatting, reordering and case changes in action names", async () => {
    const head = edit((doc) => {
      doc.Statement.reverse();
      doc.Statement[1].Action = ["S3:listbucket", "s3:getobject"];
      doc.Statement[1].Resource.reverse();
    });
    const { diff: d } = await diff(
      { "infra/iam/app.json": POLICY },
      { "infra/iam/app.json": head.replace(/\n\s*/g, " ") },
    );
    expect(d.changes).toEqual([]);
  });

  it("names the line of JSON that does not parse and of an unknown element", async () => {
    const { diff: d } = await diff(
      { "iam/a.json": POLICY, "iam/b.json": POLICY },
      {
        "iam/a.json": POLICY.replace('"Effect": "Deny",', '"Effect": "Deny"'),
        "iam/b.json": POLICY.replace('"Sid"', '"Sidd"'),
      },
    );
    expect(d.unreadable.map((u) => `${u.file} ${u.ref}: ${u.reason}`)).toEqual([
      "iam/a.json head: line 13: not valid JSON: Expected ',' or '}' after property value",
      'iam/b.json head: line 5: unknown element "Sidd" in a Statement; IAM knows Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition',
    ]);
  });
});
