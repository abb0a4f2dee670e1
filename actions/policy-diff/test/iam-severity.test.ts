import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { conditionsCover, parseCondition } from "../src/readers/iam-conditions.ts";
import { iamRisk } from "../src/readers/iam-risk.ts";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

// Issue #13: IAM severity from the grant's own risk (AWS access levels, privilege-escalation
// paths), conditions compared by direction, principals normalised, moves recognised. The real
// policies are AWS managed policies as z0ph/MAMIP recorded them (see fixtures/README.md).

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "aws-managed");
const managed = (name: string, side: "base" | "head") =>
  readFileSync(path.join(fixtures, `${name}.${side}.json`), "utf8");
const versions = (name: string) => [
  { [`iam/${name}.json`]: managed(name, "base") },
  { [`iam/${name}.json`]: managed(name, "head") },
];

const diff = diffCommitsCleanedUpAfterAll();

describe("IAM severity from the grant's own risk (real AWS managed policies)", () => {
  it("rates read-only actions low: AmazonS3ReadOnlyAccess v1 → v2 passes without review (it was a high escalation)", async () => {
    const [base, head] = versions("AmazonS3ReadOnlyAccess");
    const { diff: d, sarif } = await diff(base ?? {}, head ?? {});
    expect(brief(d)).toEqual([
      "added widening/low holders of the policy | s3-object-lambda:Get* | *",
      "added widening/low holders of the policy | s3-object-lambda:List* | *",
    ]);
    expect(d.counts.escalations).toBe(0);
    expect(d.changes[0]?.ruleId).toBe("policy-diff/iam/added/widening");
    expect(sarif.runs[0]?.results?.[0]?.message.text).toMatch(
      /^Widening \(low\): holders of the policy gains s3-object-lambda:Get\* on \*\. Why low: AWS access level Read \(@cloud-copilot\/iam-data 0\.21\.202609231 /,
    );
  });

  it("rates ec2:RunInstances critical while the policy lets its holders pass roles: AmazonEC2SpotFleetTaggingRole v4 → v5 (it was high)", async () => {
    const [base, head] = versions("AmazonEC2SpotFleetTaggingRole");
    const { diff: d } = await diff(base ?? {}, head ?? {});
    expect(brief(d)).toEqual([
      "added escalation/critical holders of the policy | ec2:RunInstances | *",
      // Registering targets moved from `*` to load-balancer ARNs: narrower.
      "narrowed reduction/info holders of the policy | elasticloadbalancing:RegisterTargets | *",
    ]);
    expect(d.changes[0]?.line).toBe(13);
  });

  it("control: the same ec2:RunInstances without iam:PassRole in the policy is Write, medium", async () => {
    const strip = (text: string) => {
      const doc = JSON.parse(text);
      doc.Statement = doc.Statement.filter(
        (s: { Action: string | string[] }) => !String(s.Action).includes("iam:PassRole"),
      );
      return JSON.stringify(doc, null, 4);
    };
    const { diff: d } = await diff(
      { "iam/fleet.json": strip(managed("AmazonEC2SpotFleetTaggingRole", "base")) },
      { "iam/fleet.json": strip(managed("AmazonEC2SpotFleetTaggingRole", "head")) },
    );
    expect(brief(d)[0]).toBe("added widening/medium holders of the policy | ec2:RunInstances | *");
  });

  it("reads fewer values of iam:PassedToService as a narrowing: AWSServiceRoleForAmazonEKSNodegroup v6 → v7 (it was a critical widening)", async () => {
    const [base, head] = versions("AWSServiceRoleForAmazonEKSNodegroup");
    const { diff: d } = await diff(base ?? {}, head ?? {});
    // StringEqualsIfExists {ec2.amazonaws.com, ec2.amazonaws.com.cn} → {ec2.amazonaws.com}.
    expect(brief(d)).toEqual(["narrowed reduction/info holders of the policy | iam:PassRole | *"]);
    expect(d.changes[0]).toMatchObject({
      before:
        "iam:PassRole on * if StringEqualsIfExists iam:passedtoservice = ec2.amazonaws.com | ec2.amazonaws.com.cn",
      ruleId: "policy-diff/iam/narrowed/reduction",
    });
    // What it became, among the policy's other PassRole statements.
    expect(d.changes[0]?.after).toContain(
      "iam:PassRole on * if StringEqualsIfExists iam:passedtoservice = ec2.amazonaws.com",
    );
  });

  it("keeps a real widening next to a narrowing: AWSMarketplaceImageBuildFullAccess v2 → v3", async () => {
    const [base, head] = versions("AWSMarketplaceImageBuildFullAccess");
    const { diff: d } = await diff(base ?? {}, head ?? {});
    // {ec2, ssm} → {ec2} on the same roles is no growth; a new statement passes any role (`*`,
    // not only *Automation* and *Instance* roles) to SSM: that is a widening, critical.
    const passRole = d.changes.filter((c) => c.permission === "iam:PassRole");
    expect(passRole.map((c) => `${c.kind} ${c.class}/${c.severity} ${c.resource}`)).toEqual([
      "widened escalation/critical *",
    ]);
    expect(passRole[0]?.after).toMatch(/^iam:PassRole on \* if StringLike iam:associatedresourcearn = /);
  });
});

describe("conditions by direction", () => {
  const c = (operator: string, key: string, ...values: string[]) => parseCondition(operator, key, values);

  it("fewer values of a positive operator allow less; more values of a negated one allow less", () => {
    const wide = [c("StringEquals", "iam:PassedToService", "ec2.amazonaws.com", "ssm.amazonaws.com")];
    const narrow = [c("StringEquals", "iam:PassedToService", "ec2.amazonaws.com")];
    expect(conditionsCover(wide, narrow)).toBe(true);
    expect(conditionsCover(narrow, wide)).toBe(false);
    const exceptOne = [c("StringNotEquals", "aws:RequestedRegion", "us-east-1")];
    const exceptTwo = [c("StringNotEquals", "aws:RequestedRegion", "us-east-1", "eu-west-1")];
    expect(conditionsCover(exceptOne, exceptTwo)).toBe(true);
    expect(conditionsCover(exceptTwo, exceptOne)).toBe(false);
  });

  it("StringLike patterns cover what they match; IfExists is looser; other operators must be equal", () => {
    expect(
      conditionsCover([c("StringLike", "s3:prefix", "home/*")], [c("StringEquals", "s3:prefix", "home/ann")]),
    ).toBe(true);
    expect(
      conditionsCover([c("StringEquals", "s3:prefix", "home/*")], [c("StringLike", "s3:prefix", "home/*")]),
    ).toBe(false);
    expect(
      conditionsCover(
        [c("StringEqualsIfExists", "aws:SourceVpc", "vpc-1")],
        [c("StringEquals", "aws:SourceVpc", "vpc-1")],
      ),
    ).toBe(true);
    expect(
      conditionsCover(
        [c("StringEquals", "aws:SourceVpc", "vpc-1")],
        [c("StringEqualsIfExists", "aws:SourceVpc", "vpc-1")],
      ),
    ).toBe(false);
    expect(
      conditionsCover(
        [c("NumericLessThan", "s3:max-keys", "10")],
        [c("NumericLessThan", "s3:max-keys", "5")],
      ),
    ).toBe(false);
    // An extra condition narrows; a missing one widens.
    expect(conditionsCover([], [c("Bool", "aws:SecureTransport", "true")])).toBe(true);
    expect(conditionsCover([c("Bool", "aws:SecureTransport", "true")], [])).toBe(false);
  });

  it("widening a condition's values is still reported as a widening", async () => {
    const policy = (services: string[]) =>
      JSON.stringify({
        Statement: {
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: "arn:aws:iam::123456789012:role/app",
          Condition: { StringEquals: { "iam:PassedToService": services } },
        },
      });
    const { diff: d } = await diff(
      { "iam/app.json": policy(["ec2.amazonaws.com"]) },
      { "iam/app.json": policy(["ec2.amazonaws.com", "lambda.amazonaws.com"]) },
    );
    expect(brief(d)).toEqual([
      "widened escalation/critical holders of the policy | iam:PassRole | arn:aws:iam::123456789012:role/app",
    ]);
  });
});

describe("IAM risk table", () => {
  it("names its source for every rating", () => {
    expect(iamRisk("iam:CreateAccessKey", { passRoleHeld: false })).toEqual({
      risk: "critical",
      why: "iam:CreateAccessKey: a privilege-escalation path (Rhino Security Labs)",
    });
    expect(iamRisk("iam:PutRolePolicy", { passRoleHeld: false }).risk).toBe("critical");
    expect(iamRisk("s3:PutBucketPolicy", { passRoleHeld: false })).toMatchObject({ risk: "high" });
    expect(iamRisk("s3:PutBucketPolicy", { passRoleHeld: false }).why).toMatch(
      /^AWS access level Permissions management \(@cloud-copilot\/iam-data /,
    );
    expect(iamRisk("s3:PutObject", { passRoleHeld: false }).risk).toBe("medium");
    expect(iamRisk("s3:PutObjectTagging", { passRoleHeld: false }).risk).toBe("low");
    expect(iamRisk("ec2:Describe*", { passRoleHeld: false }).risk).toBe("low");
    // A wildcard is as risky as the most powerful action it covers.
    expect(iamRisk("s3:*", { passRoleHeld: false }).risk).toBe("high");
    expect(iamRisk("iam:*", { passRoleHeld: false }).risk).toBe("critical");
    expect(iamRisk("secretsmanager:GetSecretValue", { passRoleHeld: false }).risk).toBe("high");
    expect(iamRisk("lambda:CreateFunction", { passRoleHeld: true }).risk).toBe("critical");
    expect(iamRisk("lambda:CreateFunction", { passRoleHeld: false }).risk).toBe("medium");
    // Not in the data: judged by the name.
    expect(iamRisk("newservice:GetThing", { passRoleHeld: false })).toMatchObject({ risk: "low" });
    expect(iamRisk("newservice:DoThing", { passRoleHeld: false })).toMatchObject({ risk: "medium" });
    expect(iamRisk("s3:GetObject", { passRoleHeld: false, principal: "*" }).risk).toBe("critical");
  });
});

describe("principals and moves", () => {
  const trust = (principal: unknown, action = "sts:AssumeRole") =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: principal, Action: action }],
    });

  it("reads an account id and its root ARN as one principal", async () => {
    const { diff: d } = await diff(
      { "iam/trust.json": trust({ AWS: "arn:aws:iam::123456789012:root" }) },
      { "iam/trust.json": trust({ AWS: "123456789012" }) },
    );
    expect(d.changes).toEqual([]);
  });

  it("control: another account is a change", async () => {
    const { diff: d } = await diff(
      { "iam/trust.json": trust({ AWS: "arn:aws:iam::123456789012:root" }) },
      { "iam/trust.json": trust({ AWS: "210987654321" }) },
    );
    expect(brief(d)).toEqual([
      "added escalation/high AWS:arn:aws:iam::210987654321:root | sts:AssumeRole | (the resource the policy is attached to)",
      "removed reduction/info AWS:arn:aws:iam::123456789012:root | sts:AssumeRole | (the resource the policy is attached to)",
    ]);
  });

  const statement = (action: string, resource: string) => ({
    Effect: "Allow",
    Action: action,
    Resource: resource,
  });
  const doc = (...statements: object[]) =>
    JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);
  const READ = statement("s3:GetObject", "arn:aws:s3:::invoices/*");
  const WRITE = statement("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:jobs");

  it("recognises a policy split across files: no add and remove for the statement that moved", async () => {
    const { diff: d, io } = await diff(
      { "iam/app.json": doc(READ, WRITE) },
      { "iam/app.json": doc(READ), "iam/app-queue.json": doc(WRITE) },
    );
    expect(d.changes).toEqual([]);
    expect(io.summary).toContain(
      "Moved unchanged between files, so no change: `iam/app.json` → `iam/app-queue.json` (1 grant).",
    );
  });

  it("control: a statement moved between two policies that both stay may move between two roles, so it is reported", async () => {
    const { diff: d } = await diff(
      { "iam/app.json": doc(READ, WRITE), "iam/batch.json": doc(READ) },
      { "iam/app.json": doc(READ), "iam/batch.json": doc(READ, WRITE) },
    );
    expect(brief(d)).toEqual([
      "added widening/medium holders of the policy | sqs:SendMessage | arn:aws:sqs:eu-west-1:123456789012:jobs",
      "removed reduction/info holders of the policy | sqs:SendMessage | arn:aws:sqs:eu-west-1:123456789012:jobs",
    ]);
  });

  it("control: a split that also widens reports the widening", async () => {
    const { diff: d } = await diff(
      { "iam/app.json": doc(READ, WRITE) },
      {
        "iam/app.json": doc(READ),
        "iam/app-queue.json": doc(statement("sqs:*", "arn:aws:sqs:eu-west-1:123456789012:jobs")),
      },
    );
    expect(brief(d)).toEqual([
      "added escalation/high holders of the policy | sqs:* | arn:aws:sqs:eu-west-1:123456789012:jobs",
      "removed reduction/info holders of the policy | sqs:SendMessage | arn:aws:sqs:eu-west-1:123456789012:jobs",
    ]);
  });
});
