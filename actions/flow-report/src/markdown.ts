import { markdownTable } from "@secflow/kit";
import type { Cell, Report, ReportTable } from "./report.ts";

/** Rows shown per table in the job summary; the HTML, CSV and JSON have them all. */
const SUMMARY_ROWS = 15;

function cellText(value: Cell): string | number {
  if (value === null) return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return value;
}

function table(
  t: ReportTable | undefined,
  where: (row: Record<string, Cell>) => boolean = () => true,
): string {
  if (!t) return "";
  const rows = t.rows.filter(where);
  if (rows.length === 0) return `_${t.title}: no data yet._\n`;
  const shown = rows.slice(0, SUMMARY_ROWS);
  const more =
    rows.length > shown.length ? `\n_${rows.length - shown.length} more rows in ${t.name}.csv._\n` : "";
  return `**${t.title}**\n\n${markdownTable(
    t.columns.map((c) => c.replaceAll("_", " ")),
    shown.map((r) => t.columns.map((c) => cellText(r[c] ?? null))),
  )}${more}`;
}

/** Mermaid takes quoted labels; anything but letters, digits and . _ - / is dropped from them. */
function label(text: string): string {
  return `"${text.replace(/[^\w./-]/g, "").slice(0, 40)}"`;
}

function finite(values: number[]): number[] {
  return values.map((v) => (Number.isFinite(v) ? v : 0));
}

/** The job summary: headline numbers, a mermaid chart of the no-touch share and WIP, key tables. */
export function renderMarkdown(report: Report): string {
  const t = report.tables;
  const s = t.summary?.rows[0] ?? {};
  const teams = (t.no_touch?.rows ?? []).filter((r) => r.scope === "team").slice(0, SUMMARY_ROWS);
  const weeks = (t.flow?.rows ?? []).filter((r) => r.team === "all");
  const parts = [
    "## Security review flow\n",
    markdownTable(
      ["pull requests", "merged", "no-touch %", "in security review now", "review wait p50 / p85 / p95 (h)"],
      [
        [
          cellText(s.pull_requests ?? null),
          cellText(s.merged ?? null),
          cellText(s.no_touch_percent ?? null),
          cellText(s.in_security_review_now ?? null),
          `${cellText(s.review_wait_p50_hours ?? null)} / ${cellText(s.review_wait_p85_hours ?? null)} / ${cellText(s.review_wait_p95_hours ?? null)}`,
        ],
      ],
    ),
  ];
  if (teams.length > 0)
    parts.push(
      "```mermaid",
      "xychart-beta",
      '  title "No-touch share by team (%), goal 90"',
      `  x-axis [${teams.map((r) => label(String(r.name))).join(", ")}]`,
      '  y-axis "%" 0 --> 100',
      `  bar [${finite(teams.map((r) => Number(r.no_touch_percent))).join(", ")}]`,
      `  line [${teams.map(() => 90).join(", ")}]`,
      "```\n",
    );
  if (weeks.length > 1)
    parts.push(
      "```mermaid",
      "xychart-beta",
      '  title "WIP in security review, end of each week"',
      `  x-axis [${weeks.map((r) => label(String(r.week))).join(", ")}]`,
      `  y-axis "pull requests"`,
      `  line [${finite(weeks.map((r) => Number(r.wip_security_review))).join(", ")}]`,
      "```\n",
    );
  parts.push(
    table(t.no_touch, (r) => r.scope !== "week"),
    table(t.review_wait, (r) => r.scope !== "week"),
    table(t.batch_size),
    table(t.review_causes, (r) => r.team === "all"),
    table(t.waiver_debt),
    table(t.adoption_by_action, (r) => r.scope === "organisation"),
    // Named and counted: a workflow file the adoption tables could not read.
    t.workflow_problems?.rows.length ? table(t.workflow_problems) : "",
    // And a call of a reusable workflow or local action the store could not follow.
    t.workflow_calls_not_followed?.rows.length ? table(t.workflow_calls_not_followed) : "",
    table(t.adoption),
  );
  return parts.join("\n");
}
