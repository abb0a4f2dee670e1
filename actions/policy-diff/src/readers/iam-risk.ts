import type { Severity } from "@secflow/sarif";
import { wildcardCovers } from "../wildcard.ts";

/**
 * Actions that let a principal give itself more power: known IAM privilege-escalation paths
 * (Rhino Security Labs' list and AWS guidance), and running code or commands as another role.
 */
const PRIVILEGE_ESCALATION_ACTIONS = [
  "iam:PassRole",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:PutRolePolicy",
  "iam:PutUserPolicy",
  "iam:PutGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:UpdateAssumeRolePolicy",
  "iam:AddUserToGroup",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:PutRolePermissionsBoundary",
  "iam:PutUserPermissionsBoundary",
  "lambda:UpdateFunctionCode",
  "glue:UpdateDevEndpoint",
  "ssm:SendCommand",
  "ssm:StartSession",
  "ec2-instance-connect:SendSSHPublicKey",
];

/** Reading secrets or assuming other roles. */
const HIGH_ACTIONS = [
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "kms:Decrypt",
  "sts:AssumeRole",
  "sts:AssumeRoleWithWebIdentity",
  "sts:AssumeRoleWithSAML",
];

const READ_ONLY = /^[a-z0-9-]+:(get|list|describe|head|view|search|query|scan|lookup)/i;

/** Risk of allowing an action pattern on a resource pattern, for a principal (`*` = anyone). */
export function iamRisk(action: string, resource: string, principal: string | undefined): Severity {
  if (principal === "*") return "critical";
  const covers = (known: string) => wildcardCovers(action, known, { caseInsensitive: true });
  if (action === "*" || PRIVILEGE_ESCALATION_ACTIONS.some(covers)) return "critical";
  if (HIGH_ACTIONS.some(covers) || action.endsWith(":*")) return "high";
  const readOnly = READ_ONLY.test(action);
  if (resource === "*" || resource.endsWith(":*")) return readOnly ? "medium" : "high";
  return readOnly ? "low" : "medium";
}

/** `NotAction` with Allow allows every action but a few: as wide as `*`. */
export const NOT_ACTION_RISK: Severity = "critical";
