import {
  maxSeverity,
  RunBuilder,
  type RunOptions,
  type Sarif,
  type Severity,
  sarifLog,
} from "@secflow/sarif";
import type { PolicyChange, PolicyDiff } from "./diff-file.ts";
import { ruleFor } from "./rules.ts";

export type SarifRunOptions = Omit<RunOptions, "action" | "tool" | "category" | "mode">;

/**
 * One SARIF run (category `secflow/policy-diff/`) with one result per change, at the head line
 * of the grant, or at its line in the base commit for a removal. A rule's security-severity is
 * that of its most severe result, so code scanning ranks the alert as the diff does.
 */
export function buildSarif(diff: PolicyDiff, options: SarifRunOptions): Sarif.Log {
  const run = new RunBuilder({
    ...options,
    action: "policy-diff",
    // An empty tool part keeps the category at `secflow/policy-diff/[<team>/]`.
    category: "",
    mode: "diff",
    tool: {
      name: "secflow policy-diff",
      version: options.actionVersion,
      informationUri: "https://github.com/secflow/secflow/tree/main/actions/policy-diff",
    },
  });
  const severityOf = new Map<string, Severity[]>();
  for (const change of diff.changes)
    severityOf.set(change.ruleId, [...(severityOf.get(change.ruleId) ?? []), change.severity]);
  for (const change of diff.changes) {
    if (!run.hasRule(change.ruleId)) {
      run.rule({
        ...ruleFor(change.source, change.kind),
        severity: maxSeverity(severityOf.get(change.ruleId) ?? []) ?? "info",
      });
    }
    run.result({
      ruleId: change.ruleId,
      message: messageOf(change),
      path: change.file,
      startLine: change.line,
      identity: [change.kind, change.subject, change.permission, change.resource].join("\n"),
      severity: change.severity,
      baselineState: "new",
      category: "policy",
      properties: { change: grantProperties(change) },
    });
  }
  return sarifLog([run.build()]);
}

/** "Escalation (critical): job deploy — added `id-token: write on GITHUB_TOKEN`." */
function messageOf(change: PolicyChange): string {
  const label = `${change.class[0]?.toUpperCase()}${change.class.slice(1)} (${change.severity}${change.sensitive ? ", sensitive" : ""})`;
  const what =
    change.kind === "added"
      ? `added ${change.after}`
      : change.kind === "removed"
        ? `removed ${change.before}${change.after ? ` (now ${change.after})` : ""}`
        : `${change.kind} from ${change.before} to ${change.after}`;
  const where = change.side === "base" ? ` (removed; line ${change.line} in the base commit)` : "";
  return `${label}: ${change.subject} — ${what}${change.effect === "deny" ? " [deny/required]" : ""}.${where}`;
}

function grantProperties(change: PolicyChange) {
  const { ruleId: _rule, severity: _severity, ...rest } = change;
  return rest;
}
