import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";
import type { Cell, Report, ReportTable } from "./report.ts";

/** RFC 4180, and text that a spreadsheet would run as a formula starts with a quote. */
function csvCell(value: Cell): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(table: ReportTable): string {
  const lines = [
    table.columns.join(","),
    ...table.rows.map((r) => table.columns.map((c) => csvCell(r[c] ?? null)).join(",")),
  ];
  return `${lines.join("\r\n")}\r\n`;
}

export interface WrittenReport {
  html: string;
  markdown: string;
  files: string[];
}

/** index.html, summary.md, report.json, and a CSV and a JSON file per table, in `dir`. */
export async function writeReport(dir: string, report: Report): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const html = path.join(dir, "index.html");
  const markdown = renderMarkdown(report);
  const files: [string, string][] = [
    [html, renderHtml(report)],
    [path.join(dir, "summary.md"), markdown],
    [path.join(dir, "report.json"), `${JSON.stringify(report, null, 2)}\n`],
  ];
  for (const table of Object.values(report.tables)) {
    files.push([path.join(dir, `${table.name}.csv`), toCsv(table)]);
    files.push([path.join(dir, `${table.name}.json`), `${JSON.stringify(table.rows, null, 2)}\n`]);
  }
  for (const [file, content] of files) await writeFile(file, content);
  return { html, markdown, files: files.map(([f]) => f) };
}
