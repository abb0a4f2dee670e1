// What a scanner could not check is part of its result: an unparsable lockfile, an ecosystem with
// no advisory data, an unreadable policy file. It goes into the SARIF (the run's invocation is
// not successful, each gap a tool execution notification), the summary's top and the outcome.

import type { Sarif } from "@secflow/sarif";
import type { StepOutcome } from "./entry.ts";
import type { InputReader } from "./inputs.ts";

/** One thing that was not checked, and why. */
export interface Unchecked {
  /** What: a file, an ecosystem, a database. */
  subject: string;
  reason: string;
}

export const ON_UNCHECKED = ["fail", "warn"] as const;
/** `fail` (the default): an incomplete scan fails the step; `warn`: it is said, and passes. */
export type OnUnchecked = (typeof ON_UNCHECKED)[number];

export function readOnUnchecked(read: InputReader): OnUnchecked | undefined {
  return read.string("on-unchecked") === undefined
    ? undefined
    : read.enumOf("on-unchecked", ON_UNCHECKED, "fail");
}

/**
 * Records the run's invocation: successful when nothing was left unchecked, else not, with one
 * error notification per gap. Every run gets an invocation, so "complete" is said, not assumed.
 */
export function recordCoverage(run: Sarif.Run, unchecked: readonly Unchecked[]): void {
  const invocation: Sarif.Invocation = { executionSuccessful: unchecked.length === 0 };
  if (unchecked.length > 0) {
    invocation.toolExecutionNotifications = unchecked.map((gap) => ({
      level: "error",
      message: { text: `Not checked: ${gap.subject}: ${gap.reason}` },
      descriptor: { id: "secflow/unchecked" },
    }));
  }
  run.invocations = [invocation];
}

/** Whether a run says it did not check everything: what the gate treats like a missing run. */
export function isIncomplete(run: Sarif.Run): boolean {
  return (run.invocations ?? []).some((invocation) => invocation.executionSuccessful === false);
}

/** The gaps a run recorded, as recordCoverage wrote them (or as another tool did). */
export function uncheckedOf(run: Sarif.Run): string[] {
  return (run.invocations ?? []).flatMap((invocation) =>
    (invocation.toolExecutionNotifications ?? [])
      .filter((n) => n.level === undefined || n.level === "error")
      .map((n) => n.message.text ?? "(no message)"),
  );
}

/** The step fails on an incomplete scan unless the team chose `warn`. */
export function uncheckedOutcome(unchecked: readonly Unchecked[], onUnchecked: OnUnchecked): StepOutcome {
  if (unchecked.length === 0 || onUnchecked === "warn") return {};
  const first = unchecked[0] as Unchecked;
  const reason = first.reason.replace(/[.\s]+$/, "");
  const more = unchecked.length > 1 ? ` (and ${unchecked.length - 1} more, listed in the job summary)` : "";
  return {
    failed: `The scan is incomplete: ${first.subject} was not checked: ${reason}${more}. Fix it, or set on-unchecked: warn to accept an incomplete scan.`,
  };
}

/**
 * A markdown block for the top of a job summary; empty when everything was checked. At most
 * `maxRows` rows; the last then says how many more the SARIF file and the step log list.
 */
export function uncheckedMarkdown(
  unchecked: readonly Unchecked[],
  escapeText: (text: string) => string,
  maxRows = 50,
): string {
  if (unchecked.length === 0) return "";
  const shown = unchecked.length > maxRows ? unchecked.slice(0, maxRows - 1) : unchecked;
  const rows = shown.map((gap) => `> - ${escapeText(gap.subject)}: ${escapeText(gap.reason)}`);
  if (shown.length < unchecked.length) {
    rows.push(`> - ${unchecked.length - shown.length} more, listed in the SARIF file and the step log`);
  }
  return [
    `> [!WARNING]`,
    `> **Incomplete: ${unchecked.length} item(s) were not checked.**`,
    ...rows,
    "",
  ].join("\n");
}
