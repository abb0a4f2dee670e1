import type { Severity } from "@secflow/sarif";

// The one-value settings of secflow.yml, each with its values from strictest to loosest.
// A setting left out takes the action's default, which is only known to be no stricter than the
// strictest value and no looser than the loosest.

const THRESHOLD = ["info", "low", "medium", "high", "critical", "none"];

export interface OrdinalSetting {
  path: string[];
  order: readonly string[];
  /** Risk of loosening it: gate settings decide what merges unreviewed. */
  risk: Severity;
  /** The value in force when it is left out, when policy-diff knows it. */
  default?: string;
}

const gate = (path: string[], order: readonly string[]): OrdinalSetting => ({
  path: ["gate", ...path],
  order,
  risk: "high",
});

export const ORDINAL_SETTINGS: OrdinalSetting[] = [
  { path: ["sast", "fail-on"], order: THRESHOLD, risk: "medium" },
  { path: ["sca", "fail-on"], order: THRESHOLD, risk: "medium" },
  { path: ["sca", "dev-dependencies"], order: ["include", "exclude"], risk: "medium" },
  { path: ["policy", "fail-on"], order: THRESHOLD, risk: "medium" },
  // Declaring the repository default token restricted makes jobs without permissions: look
  // harmless: loosest for the check. Left out, policy-diff assumes restricted.
  {
    path: ["policy", "workflows", "default-permissions"],
    order: ["permissive", "restricted"],
    risk: "high",
    default: "restricted",
  },
  gate(["new-findings", "fail"], THRESHOLD),
  gate(["new-findings", "review"], THRESHOLD),
  ...["sast", "sca", "policy"].flatMap((c) => [
    gate(["categories", c, "fail"], THRESHOLD),
    gate(["categories", c, "review"], THRESHOLD),
  ]),
  gate(["escalations"], ["fail", "review", "pass"]),
  gate(["batch", "action"], ["review", "warn"]),
  gate(["documentation", "when"], ["always", "risky", "never"]),
  gate(["require-approval-of-head"], ["true", "false"]),
  gate(["on-missing"], ["fail", "review"]),
];

/** Numeric limits: a larger number lets more through. */
export const LIMIT_SETTINGS: OrdinalSetting[] = [
  gate(["batch", "max-lines"], []),
  gate(["batch", "max-files"], []),
];

/** A severity override lowered lets findings of that rule through more easily. */
export const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"];

/**
 * Whether `head` lets more through than `base`: true, false (stricter), or true when it cannot
 * be told (a default against a middle value), so an unknown direction is never hidden.
 */
export function loosens(
  base: string | undefined,
  head: string | undefined,
  order: readonly string[],
): boolean {
  const numeric = order.length === 0;
  if (base !== undefined && head !== undefined) {
    return numeric ? Number(head) > Number(base) : order.indexOf(head) > order.indexOf(base);
  }
  if (numeric) return true; // the default limit is not known here
  const explicit = (head ?? base) as string;
  if (explicit === order[0]) return head === undefined; // the strictest: the default is looser
  if (explicit === order[order.length - 1]) return head !== undefined; // the loosest
  return true;
}
