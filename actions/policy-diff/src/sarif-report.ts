import {
  maxSeverity,
  RunBuilder,
  type RunOptions,
  type Sarif,
  type Severity,
  sarifLog,
} from "@secflow/sarif";
import type { ChangeClass, ReportedChange, ReportedDiff } from "./diff-file.ts";
import { ruleFor } from "./rules.ts";

export type SarifRunOptions = Omit<RunOptions, "action" | "tool" | "category" | "mode">;

/**
 * One SARIF run (category `secflow/policy-diff/`) with one result per change, at the head line
 * of the grant, or at its line in the base commit for a removal. A rule's security-severity is
 * that of its most severe result, so code scanning ranks the alert as the diff does; each rule
 * holds one class of change, so reductions never borrow an escalation's severity.
 */
export function buildSarif(diff: ReportedDiff, options: SarifRunOptions): Sarif.Log {
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
        ...ruleFor(change.source, change.kind, classOfRule(change.ruleId)),
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

/** The class a rule id was made for (a team's severity override may move a change's class). */
function classOfRule(ruleId: string): ChangeClass {
  const last = ruleId.slice(ruleId.lastIndexOf("/") + 1);
  return last === "widening" || last === "reduction" || last === "neutral" ? last : "escalation";
}

/**
 * Who gains or loses what, on which resource, and why it has its severity: "Escalation
 * (critical): job deploy gains `id-token: write on GITHUB_TOKEN`. Why: …".
 */
function messageOf(change: ReportedChange): string {
  const label = `${change.class[0]?.toUpperCase()}${change.class.slice(1)} (${change.severity}${change.sensitive ? ", sensitive" : ""})`;
  const allow = change.effect === "allow";
  // "gains bound to …" reads badly: a binding is something a subject is.
  const gains = (text?: string) => (text?.startsWith("bound to ") ? `is now ${text}` : `gains ${text}`);
  const loses = (text?: string) => (text?.startsWith("bound to ") ? `is no longer ${text}` : `loses ${text}`);
  const what =
    change.kind === "added"
      ? allow
        ? gains(change.after)
        : `— added ${change.after} [deny/required]`
      : change.kind === "removed"
        ? `${allow ? loses(change.before) : `— removed ${change.before}`}${change.after ? ` (now ${change.after})` : ""}${allow ? "" : " [deny/required]"}`
        : `— ${change.kind} from ${change.before} to ${change.after}${allow ? "" : " [deny/required]"}`;
  const where = change.side === "base" ? ` (removed; line ${change.line} in the base commit)` : "";
  const why = change.why ? ` Why ${change.severity}: ${change.why}.` : "";
  return `${label}: ${change.subject} ${what}.${where}${why}`;
}

function grantProperties(change: ReportedChange) {
  const { ruleId: _rule, severity: _severity, ...rest } = change;
  return rest;
}
