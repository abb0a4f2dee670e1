import { matcher } from "@secflow/kit";
import type { ChangeFacts } from "../change-facts.ts";
import type { GatePolicy } from "../gate-policy.ts";
import type { Reason, RuleRecord } from "../reasons.ts";

/**
 * A change to a file under a sensitive glob (old or new name) needs a security review. The files
 * are always known: a change whose commits are not in the clone never gets this far (it fails).
 */
export function sensitivePathsRule(facts: ChangeFacts, policy: GatePolicy): RuleRecord {
  const globs = policy.sensitivePaths.map((glob) => ({ glob, match: matcher([glob]) }));
  const settings = { "sensitive-paths": policy.sensitivePaths };
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
    rule: "sensitive-paths",
    settings,
    inputs: { files: facts.changedFiles.length },
    reasons,
    reported: [],
  };
}
