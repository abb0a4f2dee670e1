import type { RuleRecord } from "../reasons.ts";
import type { SecflowWorkflowChange } from "../workflow-files.ts";

/**
 * A change to a workflow that runs secflow changes the checks that judge every pull request
 * (in the in-repository deployment, the very run judging this one): at least a review.
 */
export function workflowChangeRule(changes: readonly SecflowWorkflowChange[] | undefined): RuleRecord {
  const record: RuleRecord = {
    rule: "workflow-change",
    settings: {},
    inputs: { files: (changes ?? []).map((c) => c.path) },
    reasons: [],
    reported: [],
  };
  if (changes === undefined) return { ...record, skipped: "the change could not be read" };
  for (const change of changes) {
    const verb = change.status === "deleted" ? "deletes" : change.status === "added" ? "adds" : "edits";
    const renamed = change.previousPath ? ` (renamed from ${change.previousPath})` : "";
    record.reasons.push({
      rule: "gate/workflow-change",
      verdict: "review",
      message: `The change ${verb} ${change.path}${renamed}, a workflow that runs secflow: a change to the checks that judge pull requests needs a security review`,
      location: { path: change.path, line: 1, side: change.status === "deleted" ? "base" : "head" },
      identity: `workflow|${change.path}`,
    });
  }
  return record;
}
