/** What the gate decides. */
export type Decision = "pass" | "review" | "fail";
/** What one violated rule asks for; `warn` is reported and never blocks. */
export type Verdict = "fail" | "review" | "warn";

export type GateRuleId =
  | "gate/new-finding"
  | "gate/policy-escalation"
  | "gate/batch-size"
  | "gate/sensitive-path"
  | "gate/documentation"
  | "gate/review-label"
  | "gate/base-override"
  | "gate/workflow-change"
  | "gate/missing-input"
  | "gate/invalid-input"
  | "gate/config-error"
  | "gate/api-error";

export interface Location {
  /** Repository-relative POSIX path. */
  path: string;
  line: number;
  /** Which commit the line is in: removed privileges live in the base. */
  side: "head" | "base";
}

/** One violated rule; the message is plain text, escaped only when it is rendered. */
export interface Reason {
  rule: GateRuleId;
  verdict: Verdict;
  message: string;
  location?: Location;
  /** Stable identity of what was found, for the SARIF fingerprint. */
  identity: string;
  /** For `gate/new-finding`: the finding, so that reports need not read it out of the message. */
  finding?: FindingFacts;
}

interface FindingFacts {
  tool: string;
  category: string;
  severity: string;
  ruleId: string;
}

/** What the gate saw but that does not block: new findings under the thresholds, reductions, … */
export interface Reported {
  rule: GateRuleId;
  message: string;
  location?: Location;
}

const ORDER: Record<Verdict, number> = { fail: 0, review: 1, warn: 2 };

/** fail over review over pass; warnings never block. */
export function decisionOf(reasons: readonly Reason[]): Decision {
  if (reasons.some((r) => r.verdict === "fail")) return "fail";
  if (reasons.some((r) => r.verdict === "review")) return "review";
  return "pass";
}

/** Most severe first; ties keep the order the rules found them in. */
export function sortReasons(reasons: readonly Reason[]): Reason[] {
  return [...reasons].sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict]);
}

/** The stricter of two verdicts (undefined: no verdict). */
export function stricter(a: Verdict | undefined, b: Verdict | undefined): Verdict | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return ORDER[a] <= ORDER[b] ? a : b;
}

/** An input the gate could not use; its verdict is the policy's `on-missing`. */
export interface Problem {
  rule: "gate/missing-input" | "gate/invalid-input" | "gate/api-error";
  message: string;
}

export function problemReason(problem: Problem, verdict: "fail" | "review"): Reason {
  return { rule: problem.rule, verdict, message: problem.message, identity: problem.message };
}

/** One gate rule as evaluated: its settings, what it looked at and what it found (the audit trail). */
export interface RuleRecord {
  rule: string;
  settings: Record<string, unknown>;
  inputs: Record<string, unknown>;
  reasons: Reason[];
  reported: Reported[];
  /** Why the rule was not evaluated, when it was not. */
  skipped?: string;
}
