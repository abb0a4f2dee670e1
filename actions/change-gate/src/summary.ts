import { codeSpan, escapeMarkdown } from "@secflow/kit";
import { blobUrl } from "./links.ts";
import type { Decision, Reason, Reported, Verdict } from "./reasons.ts";
import type { GateReport } from "./report.ts";
import {
  approvalsTable,
  inputsTable,
  labelsTable,
  privilegeTable,
  waiversSection,
} from "./summary-tables.ts";

/** Lists longer than this are cut in the summary; the evidence file has everything. */
const LIST_LIMIT = 50;

const HEADINGS: Record<Decision, string> = {
  pass: "✅ Change gate: pass",
  review: "👀 Change gate: review — a security reviewer must approve",
  fail: "❌ Change gate: fail",
};
const MARKS: Record<Verdict, string> = { fail: "❌ **fail**", review: "👀 **review**", warn: "⚠️ **warn**" };

/**
 * The job summary: the decision first, then why, the privilege changes, what would turn a
 * review into a pass, waivers, labels, approvals and the inputs read. Every piece of text that
 * came from a pull request, a SARIF file or a configuration is escaped.
 */
export function renderSummary(report: GateReport, evidenceFile: string): string {
  const { verdict, mode } = report;
  const parts = [`## ${HEADINGS[verdict.decision]}\n`, changeLine(report)];
  if (mode === "advise") parts.push("> **Advise mode**: the gate reports only; this step does not fail.\n");
  if (verdict.clearedBy)
    parts.push(`The rules asked for a review; cleared by ${escapeMarkdown(verdict.clearedBy)}.\n`);
  parts.push("### Reasons\n", reasonList(report, verdict.reasons));
  const changes = report.policyDiff?.diff?.changes ?? [];
  if (changes.length)
    parts.push("### Privilege changes\n", privilegeTable(changes, report.links, LIST_LIMIT));
  if (verdict.decision !== "pass") parts.push(`### What would turn this into a pass\n`, nextSteps(report));
  parts.push(waiversSection(report.waivers));
  if (report.labels.records.length) parts.push("### Labels\n", labelsTable(report.labels.records));
  if (verdict.approvals?.reviews.length)
    parts.push("### Reviews\n", approvalsTable(verdict.approvals.reviews));
  const reported = report.evaluation.reported;
  if (reported.length) parts.push("### Reported only (does not block)\n", reportedList(report, reported));
  parts.push("### Inputs\n", inputsTable(report));
  if (report.notes.length) parts.push(`${report.notes.map((n) => `- ${escapeMarkdown(n)}`).join("\n")}\n`);
  parts.push(`Evidence: ${codeSpan(evidenceFile)}\n`);
  return parts.filter((p) => p !== "").join("\n");
}

function changeLine(report: GateReport): string {
  const c = report.context;
  if (!c) return "The change could not be read (see the reasons).\n";
  const pr = c.number !== undefined ? `Pull request #${c.number}` : "Change";
  const title = c.title ? ` “${escapeMarkdown(c.title)}”` : "";
  const author = c.author ? ` by ${codeSpan(c.author)}` : "";
  const size = `${plural(c.changedFileCount, "file")}, +${c.additions} −${c.deletions} lines`;
  const config = report.config.found
    ? `policy from ${codeSpan(report.config.file)} at base ${codeSpan((report.config.commit ?? "").slice(0, 12))}`
    : "default policy (no configuration on the base commit)";
  return `${pr}${title}${author} · ${size} · head ${codeSpan(c.headSha.slice(0, 12))} · ${config}\n`;
}

function reasonList(report: GateReport, reasons: readonly Reason[]): string {
  if (reasons.length === 0) return "No rule asks for a review or fails.\n";
  const lines = reasons
    .slice(0, LIST_LIMIT)
    .map((r) => `- ${MARKS[r.verdict]} ${escapeMarkdown(r.message)}${where(report, r)}`);
  return `${lines.join("\n")}\n${more(reasons.length)}`;
}

function reportedList(report: GateReport, items: readonly Reported[]): string {
  const lines = items.slice(0, LIST_LIMIT).map((r) => `- ${escapeMarkdown(r.message)}${where(report, r)}`);
  return `${lines.join("\n")}\n${more(items.length)}`;
}

function where(report: GateReport, item: Reason | Reported): string {
  if (!item.location) return "";
  const text = escapeMarkdown(`${item.location.path}:${item.location.line}`);
  const url = blobUrl(report.links, item.location);
  return url ? ` — [${text}](${url})` : ` — ${text}`;
}

function more(total: number): string {
  return total > LIST_LIMIT ? `- … and ${total - LIST_LIMIT} more in the evidence file\n` : "";
}

function nextSteps(report: GateReport): string {
  const { verdict, policy, context } = report;
  const steps: string[] = [];
  const rules = new Set(verdict.reasons.filter((r) => r.verdict !== "warn").map((r) => r.rule));
  if (verdict.decision === "review") {
    const head = context ? ` of the head commit ${codeSpan(context.headSha.slice(0, 12))}` : "";
    const who =
      policy.approvers.source === "repository-access"
        ? "anyone with write access (no approvers are configured: set gate.approvers)"
        : [...policy.approvers.users, ...policy.approvers.teams].map((a) => codeSpan(a)).join(", ");
    steps.push(
      `An approving review${head} by ${who}. The author's own approval does not count${policy.requireApprovalOfHead ? ", nor does one of an earlier commit" : ""}.`,
    );
    const skip = Object.entries(policy.labels).filter(([, l]) => l.effect === "skip-review");
    for (const [name, label] of skip) {
      steps.push(
        `Or the label ${codeSpan(name)}, applied by ${label.appliedBy ? label.appliedBy.map((a) => codeSpan(a)).join(", ") : "someone other than the author"}.`,
      );
    }
    if (verdict.approvals?.note) steps.push(`Note: ${escapeMarkdown(verdict.approvals.note)}.`);
  }
  if (rules.has("gate/new-finding"))
    steps.push(
      "Fix the new findings, or add a waiver (rule or fingerprint, reason, approver, expiry) to the base branch's configuration.",
    );
  if (rules.has("gate/policy-escalation") && verdict.decision === "fail")
    steps.push(
      "Narrow the privilege change, or ask the security team to change the gate policy on the base branch.",
    );
  if (rules.has("gate/documentation"))
    steps.push("Add the missing sections to the pull-request description; editing it re-runs the gate.");
  if (
    ["gate/missing-input", "gate/invalid-input", "gate/config-error", "gate/api-error"].some((r) =>
      rules.has(r as Reason["rule"]),
    )
  ) {
    steps.push(
      "Fix the inputs named above (re-run the jobs that write them, or fix the configuration on the base branch).",
    );
  }
  return `${steps.map((s) => `- ${s}`).join("\n")}\n`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
