import { codeSpan, escapeMarkdown, markdownTable, type Unchecked, uncheckedMarkdown } from "@secflow/kit";
import type { ReportedChange, ReportedDiff } from "./diff-file.ts";
import type { RunNotes } from "./run-notes.ts";

/** Rows beyond this are left to the SARIF and diff files, so the summary stays readable. */
const MAX_ROWS = 100;

/**
 * The privilege diff a reviewer reads: what could not be checked first, then one row per
 * change, most severe first, with what the grant was and is, then what was skipped and why.
 * Everything that came from the repository is escaped.
 */
export function privilegeDiffMarkdown(
  diff: ReportedDiff,
  unchecked: readonly Unchecked[] = [],
  notes: Partial<RunNotes> = {},
): string {
  const { counts } = diff;
  const top = uncheckedMarkdown(unchecked, escapeMarkdown);
  const lines = [
    "### Privilege diff",
    "",
    ...(top ? [top] : []),
    `${codeSpan(diff.base.slice(0, 12))} → ${codeSpan(diff.head.slice(0, 12))}: ` +
      `${plural(counts.escalations, "escalation")}, ${plural(counts.widenings, "widening")}, ` +
      `${counts.neutral} neutral, ${plural(counts.reductions, "reduction")}.`,
    "",
  ];
  if (diff.changes.length === 0) {
    lines.push(
      unchecked.length
        ? "No privilege is added, widened, narrowed or removed in the files that could be read; the files above were not checked."
        : "No privilege is added, widened, narrowed or removed.",
      "",
    );
  } else {
    const rows = diff.changes
      .slice(0, MAX_ROWS)
      .map((c) => [
        `${c.class}, ${c.severity}${c.sensitive ? ", sensitive" : ""}`,
        c.effect === "deny" ? `${c.kind} (deny/required)` : c.kind,
        c.subject,
        { markdown: privilege(c) },
        `${c.file}:${c.line}${c.side === "base" ? " (base)" : ""}`,
        c.why ?? "",
      ]);
    lines.push(markdownTable(["Class", "Change", "Subject", "Privilege", "Where", "Why"], rows));
    if (diff.changes.length > MAX_ROWS) {
      lines.push(`${diff.changes.length - MAX_ROWS} more changes are in the SARIF and diff files.`, "");
    }
  }
  lines.push(...notesMarkdown(notes));
  return `${lines.join("\n")}\n`;
}

function notesMarkdown(notes: Partial<RunNotes>): string[] {
  const lines: string[] = [];
  const list = (files: Iterable<string>) => [...files].map((f) => codeSpan(f)).join(", ");
  if (notes.defaultPermissions) {
    const { setting, assumed } = notes.defaultPermissions;
    const scopes = setting === "restricted" ? "contents and packages read" : "read and write to every scope";
    lines.push(
      assumed
        ? `Jobs without \`permissions:\` were judged with the repository default token **assumed \`restricted\`** (${scopes}; GitHub's default for new repositories). policy-diff did not read the repository's setting through the API; if it is permissive, say so with \`policy.workflows.default-permissions: permissive\` in \`.github/secflow.yml\`.`
        : `Jobs without \`permissions:\` were judged with the repository default token \`${setting}\` (${scopes}), from \`policy.workflows.default-permissions\` of the base commit's configuration.`,
      "",
    );
  }
  if (notes.moves?.length) {
    const moved = notes.moves
      .map((m) => `${codeSpan(m.from)} → ${codeSpan(m.to)} (${plural(m.count, "grant")})`)
      .join(", ");
    lines.push(`Moved unchanged between files, so no change: ${moved}.`, "");
  }
  if (notes.renamed?.length) {
    const renamed = notes.renamed
      .map((r) => `${escapeMarkdown(r.from)} → ${escapeMarkdown(r.to)}`)
      .join(", ");
    lines.push(`Renamed or moved, compared under the new name: ${renamed}.`, "");
  }
  if (notes.noted?.length) {
    lines.push("Unreadable but unchanged (the same at base and head, so nothing in them changed):", "");
    for (const u of notes.noted) lines.push(`- ${codeSpan(u.file)} at ${u.ref}: ${escapeMarkdown(u.reason)}`);
    lines.push("");
  }
  if (notes.notPolicy?.length) {
    lines.push(
      `Not policy: ${plural(notes.notPolicy.length, "file")} under the Kubernetes globs hold no Kubernetes object (no \`kind\`/\`apiVersion\`): ${list(notes.notPolicy)}.`,
      "",
    );
  }
  for (const { file, ref, skipped } of notes.codeownersSkipped ?? []) {
    const which = skipped.map((s) => `line ${s.line} (${escapeMarkdown(s.reason)})`).join("; ");
    lines.push(`${codeSpan(file)} at ${ref}: invalid lines skipped, as GitHub skips them: ${which}.`, "");
  }
  if (notes.renames?.size) {
    const renamed = [...notes.renames].map(([from, to]) => `${codeSpan(from)} → ${codeSpan(to)}`).join(", ");
    lines.push(`Renamed policy files, compared as the same file: ${renamed}.`, "");
  }
  return lines;
}

function privilege(change: ReportedChange): string {
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
