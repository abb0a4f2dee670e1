import type { ChangeFacts } from "../change-facts.ts";
import type { GatePolicy } from "../gate-policy.ts";
import { honoured, type LabelState } from "../labels.ts";
import type { Reason, Reported, RuleRecord } from "../reasons.ts";

/** A large batch gets a security review (or a warning): small changes are reviewed better. */
export function batchSizeRule(facts: ChangeFacts, policy: GatePolicy, labels: LabelState): RuleRecord {
  const { maxLines, maxFiles, action } = policy.batch;
  const lines = facts.additions + facts.deletions;
  const over: string[] = [];
  if (maxLines !== undefined && lines > maxLines)
    over.push(`${count(lines)} changed lines, more than ${count(maxLines)}`);
  if (maxFiles !== undefined && facts.changedFileCount > maxFiles) {
    over.push(`${count(facts.changedFileCount)} changed files, more than ${count(maxFiles)}`);
  }
  const reasons: Reason[] = [];
  const reported: Reported[] = [];
  if (over.length) {
    const allowed = honoured(labels, "allow-large-batch");
    const message = `The change has ${over.join(" and ")}; a smaller pull request is reviewed better, so consider splitting it`;
    if (allowed)
      reported.push({
        rule: "gate/batch-size",
        message: `${message} (allowed by the label "${allowed.name}", ${allowed.why})`,
      });
    else
      reasons.push({
        rule: "gate/batch-size",
        verdict: action === "warn" ? "warn" : "review",
        message,
        identity: "batch-size",
      });
  }
  return {
    rule: "batch-size",
    settings: { "max-lines": maxLines, "max-files": maxFiles, action },
    inputs: { lines, additions: facts.additions, deletions: facts.deletions, files: facts.changedFileCount },
    reasons,
    reported,
  };
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}
