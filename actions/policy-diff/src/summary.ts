import { codeSpan, escapeMarkdown, markdownTable } from "@secflow/kit";
import type { PolicyChange, PolicyDiff } from "./diff-file.ts";

/** Rows beyond this are left to the SARIF and diff files, so the summary stays readable. */
const MAX_ROWS = 100;

/**
 * The privilege diff a reviewer reads: one row per change, most severe first, with what the
 * grant was and is. Everything that came from the repository is escaped.
 */
export function privilegeDiffMarkdown(
  diff: PolicyDiff,
  renames: ReadonlyMap<string, string> = new Map(),
): string {
  const { counts } = diff;
  const lines = [
    "### Privilege diff",
    "",
    `${codeSpan(diff.base.slice(0, 12))} → ${codeSpan(diff.head.slice(0, 12))}: ` +
      `${plural(counts.escalations, "escalation")}, ${plural(counts.widenings, "widening")}, ` +
      `${counts.neutral} neutral, ${plural(counts.reductions, "reduction")}.`,
    "",
  ];
  if (diff.changes.length === 0) {
    lines.push("No privilege is added, widened, narrowed or removed.", "");
  } else {
    const rows = diff.changes
      .slice(0, MAX_ROWS)
      .map((c) => [
        `${c.class}, ${c.severity}${c.sensitive ? ", sensitive" : ""}`,
        c.effect === "deny" ? `${c.kind} (deny/required)` : c.kind,
        c.subject,
        { markdown: privilege(c) },
        `${c.file}:${c.line}${c.side === "base" ? " (base)" : ""}`,
      ]);
    lines.push(markdownTable(["Class", "Change", "Subject", "Privilege", "Where"], rows));
    if (diff.changes.length > MAX_ROWS) {
      lines.push(`${diff.changes.length - MAX_ROWS} more changes are in the SARIF and diff files.`, "");
    }
  }
  if (diff.unreadable.length) {
    lines.push("**Could not read** (treated as needing review, never as no change):", "");
    for (const u of diff.unreadable)
      lines.push(`- ${codeSpan(u.file)} at ${u.ref}: ${escapeMarkdown(u.reason)}`);
    lines.push("");
  }
  if (renames.size) {
    const list = [...renames].map(([from, to]) => `${codeSpan(from)} → ${codeSpan(to)}`).join(", ");
    lines.push(`Renamed policy files, compared as the same file: ${list}.`, "");
  }
  return `${lines.join("\n")}\n`;
}

function privilege(change: PolicyChange): string {
  if (change.kind === "added") return codeSpan(change.after ?? "");
  if (change.kind === "removed") {
    return change.after
      ? `${codeSpan(change.before ?? "")} (now ${codeSpan(change.after)})`
      : codeSpan(change.before ?? "");
  }
  return `${codeSpan(change.before ?? "")} → ${codeSpan(change.after ?? "")}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
