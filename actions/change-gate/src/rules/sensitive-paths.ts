import { matcher } from "@secflow/kit";
import type { ChangeFacts } from "../change-facts.ts";
import type { GatePolicy } from "../gate-policy.ts";
import type { Problem, Reason, RuleRecord } from "../reasons.ts";

/** A change to a file under a sensitive glob (old or new name) needs a security review. */
export function sensitivePathsRule(
  facts: ChangeFacts,
  policy: GatePolicy,
): { record: RuleRecord; problems: Problem[] } {
  const globs = policy.sensitivePaths.map((glob) => ({ glob, match: matcher([glob]) }));
  const settings = { "sensitive-paths": policy.sensitivePaths };
  if (facts.changedFiles.length === 0 && facts.changedFileCount > 0) {
    const message = `The changed files are unknown, so sensitive paths cannot be checked: ${facts.warning ?? "the change lists no files"}`;
    return {
      record: {
        rule: "sensitive-paths",
        settings,
        inputs: { files: facts.changedFileCount },
        reasons: [],
        reported: [],
        skipped: message,
      },
      problems: [{ rule: "gate/invalid-input", message }],
    };
  }
  const reasons: Reason[] = [];
  for (const file of facts.changedFiles) {
    const names = [file.path, ...(file.previousPath ? [file.previousPath] : [])];
    const hit = globs.find(({ match }) => names.some(match));
    if (!hit) continue;
    const renamed = file.previousPath ? ` (renamed from ${file.previousPath})` : "";
    reasons.push({
      rule: "gate/sensitive-path",
      verdict: "review",
      message: `The change ${file.status === "deleted" ? "deletes" : "changes"} ${file.path}${renamed}, which matches the sensitive path ${hit.glob}`,
      location: { path: file.path, line: 1, side: file.status === "deleted" ? "base" : "head" },
      identity: `sensitive|${file.path}`,
    });
  }
  return {
    record: {
      rule: "sensitive-paths",
      settings,
      inputs: { files: facts.changedFiles.length },
      reasons,
      reported: [],
    },
    problems: [],
  };
}
