import type { WaiverBook } from "@secflow/kit";
import { codeSpan, describeWaiver, markdownTable, type TableCell, type WaiverUse } from "@secflow/kit";
import type { ReviewRecord } from "./approvals.ts";
import type { LabelRecord } from "./labels.ts";
import { blobUrl } from "./links.ts";
import type { PolicyChange } from "./policy-diff-file.ts";
import type { GateReport, LinkBase } from "./report.ts";

const code = (text: string): TableCell => ({ markdown: codeSpan(text) });

/** The privilege diff: who gets what on which resource, and where. */
export function privilegeTable(changes: readonly PolicyChange[], links: LinkBase, limit: number): string {
  const rows = changes.slice(0, limit).map((c) => {
    const url = blobUrl(links, { path: c.file, line: c.line, side: c.side });
    const place = `${c.file}:${c.line}`;
    return [
      c.class,
      `${c.kind} ${c.effect}`,
      c.subject,
      c.permission,
      c.resource,
      c.severity + (c.sensitive ? ", sensitive" : ""),
      url ? { markdown: `[${codeSpan(place)}](${url})` } : code(place),
    ];
  });
  const table = markdownTable(
    ["Class", "Change", "Subject", "Permission", "Resource", "Severity", "Where"],
    rows,
  );
  return changes.length > limit
    ? `${table}\n… and ${changes.length - limit} more in the evidence file\n`
    : table;
}

/** Waivers applied, refused (and why) and expired (saying which findings count again). */
export function waiversSection(book: WaiverBook): string {
  const expired = book.expiredWaivers();
  const refused = book.refused();
  if (book.applied.length + expired.length + refused.length + book.refusedHits.length === 0) return "";
  const row = (use: WaiverUse, status: string): TableCell[] => [
    status,
    `waiver ${use.index + 1}: ${describeWaiver(use.waiver)}`,
    use.what,
    use.waiver.reason,
    use.waiver.approver,
    use.waiver.expires,
  ];
  const rows = [
    ...book.applied.map((u) => row(u, "applied")),
    ...book.refusedHits.map((u) => row(u, `refused: ${u.why}; what it would cover counts`)),
    ...book.refusedUnused().map((u) => row({ ...u, what: "" }, `refused: ${u.why}`)),
    ...book.expiredHits.map((u) => row(u, "expired: the finding counts again")),
    ...book.expiredUnused().map((u) => row({ ...u, what: "" }, "expired")),
  ];
  return `### Waivers\n\n${markdownTable(["Status", "Waiver", "Covers", "Reason", "Approver", "Expires"], rows)}`;
}

export function labelsTable(records: readonly LabelRecord[]): string {
  return markdownTable(
    ["Label", "Effect", "Counts", "Why"],
    records.map((r) => [r.name, r.effect, r.honoured ? "yes" : "no", r.why]),
  );
}

export function approvalsTable(reviews: readonly ReviewRecord[]): string {
  return markdownTable(
    ["Reviewer", "State", "Commit", "Submitted", "Counts", "Why"],
    reviews.map((r) => [
      code(r.user),
      r.state.toLowerCase(),
      code((r.commitId ?? "").slice(0, 12)),
      r.submittedAt ?? "",
      r.counted ? "yes" : "no",
      r.why,
    ]),
  );
}

/** Each file read, with its digest, so the audit can tell which bytes were judged. */
export function inputsTable(report: GateReport): string {
  const rows: TableCell[][] = report.sarif.map((f) => [
    code(f.file),
    f.status === "ignored" ? `ignored: ${f.ignored ?? ""}` : f.status,
    f.runs
      .map(
        (r) =>
          `${r.category} (${r.results})${r.incomplete ? ", incomplete" : ""}${r.counted || f.status === "ignored" ? "" : `: ${r.note ?? "not counted"}`}`,
      )
      .join("; "),
    code((f.sha256 ?? "").slice(0, 16)),
  ]);
  const diff = report.policyDiff;
  if (diff) {
    rows.push([
      code(diff.file),
      diff.ignored ? `ignored: ${diff.ignored}` : diff.diff ? "read" : "invalid",
      diff.diff ? `${diff.diff.changes.length} changes` : "",
      code((diff.sha256 ?? "").slice(0, 16)),
    ]);
  }
  const config = report.config;
  rows.push([
    code(config.file),
    config.found ? "read at base" : "absent at base: defaults",
    "gate policy",
    code((config.sha256 ?? "").slice(0, 16)),
  ]);
  return markdownTable(["File", "Status", "Runs (results)", "SHA-256"], rows);
}
