import type { RuleInput } from "@secflow/sarif";
import type { ChangeKind } from "./diff.ts";
import type { ChangeClass } from "./diff-file.ts";
import type { PolicySource } from "./grant.ts";

const WHAT: Record<PolicySource, string> = {
  enrolment: "a service enrolment (secflow-policy.yml)",
  workflow: "a GitHub Actions workflow",
  kubernetes: "Kubernetes RBAC",
  iam: "an AWS IAM policy",
  codeowners: "CODEOWNERS",
  "secflow-config": "the secflow configuration",
};

const VERB: Record<ChangeKind, string> = {
  added: "was added to",
  widened: "was widened in",
  narrowed: "was narrowed in",
  removed: "was removed from",
};

const CLASS_TEXT: Record<ChangeClass, { what: string; note: string }> = {
  escalation: {
    what: "A risky privilege",
    note: "Its risk is high or critical: it needs a security reviewer.",
  },
  widening: {
    what: "A lower-risk privilege",
    note: "It grows a privilege of low or medium risk, which the gate lets through by default.",
  },
  reduction: {
    what: "A privilege",
    note: "Less is allowed than before (or a deny rule or requirement was added): nothing to review.",
  },
  neutral: {
    what: "An ownership",
    note: "It grants nothing (an owner, a code owner who is not a security owner, the team name).",
  },
};

/**
 * The rule id of a change: `policy-diff/<source>/<kind>` for escalations, with `/widening`,
 * `/reduction` or `/neutral` after it for the other classes. Each rule holds changes of one class
 * only, so a rule's security-severity (the most severe of its results, which GitHub shows for
 * every alert of the rule) never makes a reduction look like an escalation.
 */
export function ruleIdOf(source: PolicySource, kind: ChangeKind, changeClass: ChangeClass): string {
  return `policy-diff/${source}/${kind}${changeClass === "escalation" ? "" : `/${changeClass}`}`;
}

/** The SARIF rule of one class of change of one kind in one source. */
export function ruleFor(
  source: PolicySource,
  kind: ChangeKind,
  changeClass: ChangeClass,
): Omit<RuleInput, "severity"> {
  const { what, note } = CLASS_TEXT[changeClass];
  const short = `${what} ${VERB[kind]} ${WHAT[source]}`;
  const text =
    `${short}. ${note} policy-diff compares the grants (who may do what on which resource, under which ` +
    "conditions) of the pull request's head with its base, by meaning rather than text, and rates each " +
    "by the risk of the grant itself; a removed deny rule or required reviewer widens too.";
  const words = `${source} privilege ${kind} ${changeClass === "escalation" ? "" : changeClass}`.split(
    /[^A-Za-z]+/,
  );
  return {
    id: ruleIdOf(source, kind, changeClass),
    name: words
      .filter((w) => w !== "")
      .map((w) => `${w[0]?.toUpperCase()}${w.slice(1)}`)
      .join(""),
    shortDescription: short,
    fullDescription: text,
    helpText: text,
    helpMarkdown: `${text}\n\nSee the privilege diff in the job summary for what changed and why it has its severity, and the grant's \`before\` and \`after\` in the result's properties.`,
    tags: ["policy", source],
    // CWE-269: Improper Privilege Management.
    ...(changeClass === "escalation" || changeClass === "widening" ? { cwe: [269] } : {}),
  };
}
