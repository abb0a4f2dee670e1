import type { RuleInput } from "@secflow/sarif";
import type { ChangeKind } from "./diff.ts";
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
  added: "A privilege was added to",
  widened: "A privilege was widened in",
  narrowed: "A privilege was narrowed in",
  removed: "A privilege was removed from",
};

/** The SARIF rule of a kind of change in one source: `policy-diff/<source>/<kind>`. */
export function ruleFor(source: PolicySource, kind: ChangeKind): Omit<RuleInput, "severity"> {
  const grows = kind === "added" || kind === "widened";
  const text =
    `${VERB[kind]} ${WHAT[source]}. policy-diff compares the grants (who may do what on which resource, ` +
    "under which conditions) of the pull request's head with its base, by meaning rather than text. " +
    "Escalations and widenings need a security reviewer; a removed deny rule or required reviewer widens too.";
  const words = `${source} privilege ${kind}`.split(/[^A-Za-z]+/);
  return {
    id: `policy-diff/${source}/${kind}`,
    name: words.map((w) => `${w[0]?.toUpperCase()}${w.slice(1)}`).join(""),
    shortDescription: `${VERB[kind]} ${WHAT[source]}`,
    fullDescription: text,
    helpText: text,
    helpMarkdown: `${text}\n\nSee the privilege diff in the job summary for what changed, and the grant's \`before\` and \`after\` in the result's properties.`,
    tags: ["policy", source],
    // CWE-269: Improper Privilege Management.
    ...(grows ? { cwe: [269] } : {}),
  };
}
