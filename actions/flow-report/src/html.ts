import type { Cell, Report, ReportTable } from "./report.ts";
import { bars, escapeHtml, lines, scatter, stackedArea } from "./svg.ts";

/** Bottom to top in the cumulative flow diagram: done work at the bottom, new work on top. */
const STAGES = ["merged", "approved", "in_review", "waiting_for_review", "passed", "scanning"] as const;
/** At most this many teams get their own flow diagram; the tables list every team. */
const TEAM_CHARTS = 12;
const NO_TOUCH_GOAL = 90;

function rowsOf(table: ReportTable | undefined, where: (row: Record<string, Cell>) => boolean = () => true) {
  return (table?.rows ?? []).filter(where);
}

function num(value: Cell): number {
  return typeof value === "number" ? value : Number.NaN;
}

function cellText(value: Cell): string {
  if (value === null) return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** A table exactly as the query returned it; data attributes let a test read each number. */
function htmlTable(table: ReportTable): string {
  if (table.rows.length === 0) return `<p class="empty" data-table="${table.name}">No data yet.</p>`;
  const head = table.columns.map((c) => `<th>${escapeHtml(c.replaceAll("_", " "))}</th>`).join("");
  const body = table.rows
    .map(
      (row) =>
        `<tr>${table.columns.map((c) => `<td data-column="${escapeHtml(c)}"${typeof row[c] === "number" ? ' class="n"' : ""}>${escapeHtml(cellText(row[c] ?? null))}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `<table data-table="${table.name}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function flowChart(report: Report, team: string): string {
  const rows = rowsOf(report.tables.flow, (r) => r.team === team);
  const labels = rows.map((r) => String(r.week));
  return stackedArea(
    `Cumulative flow: ${team}`,
    labels,
    STAGES.map((stage) => ({
      name: stage.replaceAll("_", " "),
      values: rows.map((r) => num(r[stage] ?? null)),
    })),
  );
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

function tableBlock(report: Report, name: string): string {
  const table = report.tables[name];
  if (!table) return "";
  return `<h3>${escapeHtml(table.title)}</h3>${htmlTable(table)}<p class="files"><a href="${name}.csv">${name}.csv</a> · <a href="${name}.json">${name}.json</a></p>`;
}

export function renderHtml(report: Report): string {
  const t = report.tables;
  const summary = t.summary?.rows[0] ?? {};
  const headline = [
    ["pull_requests", "pull requests"],
    ["merged", "merged"],
    ["no_touch_percent", "% no-touch (goal ≥ 90)"],
    ["in_security_review_now", "in security review now"],
    ["review_wait_p50_hours", "review wait p50 (h)"],
    ["review_wait_p85_hours", "review wait p85 (h)"],
    ["review_wait_p95_hours", "review wait p95 (h)"],
  ]
    .map(
      ([key, label]) =>
        `<div class="card"><div class="big" data-number="${key}">${escapeHtml(cellText(summary[key as string] ?? null))}</div><div>${escapeHtml(label as string)}</div></div>`,
    )
    .join("");
  const teams = [...new Set(rowsOf(t.flow, (r) => r.team !== "all").map((r) => String(r.team)))];
  const orgFlow = rowsOf(t.flow, (r) => r.team === "all");
  const weeks = orgFlow.map((r) => String(r.week));
  const waitWeeks = rowsOf(t.review_wait, (r) => r.scope === "week");
  const noTouchTeams = rowsOf(t.no_touch, (r) => r.scope === "team");
  const buckets = rowsOf(t.batch_size);
  const inferred = num(summary.merged_inferred ?? null);
  const body = [
    `<header><h1>Security review flow</h1><p>As of ${escapeHtml(report.now.slice(0, 16).replace("T", " "))} UTC · ${escapeHtml(report.engine === "pglite" ? "embedded database" : "PostgreSQL")}</p>
     <nav>${["flow", "wait", "no-touch", "batch", "causes", "waivers", "adoption"].map((id) => `<a href="#${id}">${id}</a>`).join(" · ")}</nav></header>`,
    `<div class="cards">${headline}</div>`,
    `<details><summary>All headline numbers</summary>${tableBlock(report, "summary")}</details>`,
    inferred > 0
      ? `<p class="note">${inferred} pull requests have no timeline in the store; each counts as merged at its last passing gate run.</p>`
      : "",
    section(
      "flow",
      "The flow",
      `<p>Pull requests in each stage at the end of each week: scanning → passed | waiting for security review → in review → approved → merged.</p>
      ${flowChart(report, "all")}
      ${lines("WIP in security review", weeks, [{ name: "waiting or in review", values: orgFlow.map((r) => num(r.wip_security_review ?? null)) }])}
      <h3>By team</h3><div class="grid">${teams
        .slice(0, TEAM_CHARTS)
        .map(
          (team) => `<figure>${flowChart(report, team)}<figcaption>${escapeHtml(team)}</figcaption></figure>`,
        )
        .join("")}</div>
      ${tableBlock(report, "flow")}`,
    ),
    section(
      "wait",
      "Security review wait",
      `${lines(
        "Review wait by week (hours)",
        waitWeeks.map((r) => String(r.name)),
        ["p50_hours", "p85_hours", "p95_hours"].map((k) => ({
          name: k.replace("_hours", ""),
          values: waitWeeks.map((r) => num(r[k] ?? null)),
        })),
        "h",
      )}${tableBlock(report, "review_wait")}`,
    ),
    section(
      "no-touch",
      "No-touch share",
      `${bars(
        "No-touch share by team (%), goal 90 %",
        noTouchTeams.map((r) => String(r.name)),
        noTouchTeams.map((r) => num(r.no_touch_percent ?? null)),
        "%",
        NO_TOUCH_GOAL,
      )}${tableBlock(report, "no_touch")}`,
    ),
    section(
      "batch",
      "Batch size",
      `${bars(
        "Pull requests by changed lines",
        buckets.map((r) => String(r.changed_lines)),
        buckets.map((r) => num(r.pull_requests ?? null)),
      )}${scatter(
        "Review wait against changed lines",
        rowsOf(t.wait_vs_batch).map((r) => ({
          x: num(r.changed_lines ?? null),
          y: num(r.wait_hours ?? null),
        })),
        "changed lines (log)",
        "hours",
      )}${tableBlock(report, "batch_size")}${tableBlock(report, "wait_vs_batch")}`,
    ),
    section(
      "causes",
      "What sent changes to review",
      `${tableBlock(report, "review_causes")}${tableBlock(report, "escalations")}${tableBlock(report, "new_findings")}`,
    ),
    section("waivers", "Waiver debt", tableBlock(report, "waiver_debt")),
    section(
      "adoption",
      "Adoption",
      `<p>From each repository's workflow files: the secflow actions its steps run, at which version (a tag, or the version comment of a pinned commit SHA), against each action's latest release. A fork is the action from another owner's copy. A workflow runs the actions of the reusable workflows and local composite actions it calls, too (via names the calls).</p>${tableBlock(report, "adoption_by_action")}${tableBlock(report, "workflow_actions")}${tableBlock(report, "workflow_problems")}${tableBlock(report, "workflow_calls_not_followed")}
      <p>The change gate's version as each repository's latest evidence names it; "behind newest" compares with the newest version seen in the organisation.</p>${tableBlock(report, "adoption")}`,
    ),
  ].join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Security review flow</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#1f2328}
h1{margin:0 0 4px}h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:32px}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0}.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;min-width:110px}
.big{font-size:24px;font-weight:600}.note{background:#fff8c5;padding:6px 10px;border-radius:6px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:8px}figure{margin:0}figure svg{width:100%;height:auto}
svg.chart{max-width:100%;height:auto;font-size:10px}svg .grid{stroke:#eaeef2}svg text{fill:#57606a}svg text.heading{fill:#1f2328;font-size:12px;font-weight:600}
.files{font-size:12px;color:#57606a}
</style></head>
<body>
${body}
</body></html>
`;
}
