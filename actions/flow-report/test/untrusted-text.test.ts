import { describe, expect, it } from "vitest";
import { renderHtml } from "../src/html.ts";
import { renderMarkdown } from "../src/markdown.ts";
import { toCsv } from "../src/outputs.ts";
import type { Report } from "../src/report.ts";

// Repository and team names come from evidence files, which anyone who can write to the folder
// or upload an artifact controls: they are text in every output, never markup or formulas.

const TEAM = '<img src=x onerror="alert(1)">';
const REPO = '=HYPERLINK("https://evil.example","x")/repo';

function reportWith(team: string, repository: string): Report {
  const row = { scope: "team", name: team, merged: 3, no_touch: 2, no_touch_percent: 66.7 };
  return {
    now: "2026-11-26T12:00:00.000Z",
    engine: "pglite",
    tables: {
      summary: { name: "summary", title: "s", columns: ["pull_requests"], rows: [{ pull_requests: 3 }] },
      no_touch: { name: "no_touch", title: "n", columns: Object.keys(row), rows: [row] },
      flow: {
        name: "flow",
        title: "f",
        columns: ["week", "team", "merged"],
        rows: [{ week: "2026-W48", team, merged: 1 }],
      },
      adoption: {
        name: "adoption",
        title: "a",
        columns: ["repository", "team"],
        rows: [{ repository, team }],
      },
    },
  };
}

describe("names from evidence in the outputs", () => {
  const report = reportWith(TEAM, REPO);

  it("are escaped text in the HTML, in tables and in chart labels", () => {
    const html = renderHtml(report);
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;img src=x onerror=&#34;alert(1)&#34;&#62;");
  });

  it("neither render nor mention in the job summary, and cannot break mermaid", () => {
    const markdown = renderMarkdown(report);
    expect(markdown).not.toMatch(/(?<!\\)<img/);
    expect(markdown).toContain("\\<img");
    const axis = markdown.split("\n").find((l) => l.startsWith("  x-axis"));
    expect(axis).toBe('  x-axis ["imgsrcxonerroralert1"]');
  });

  it("are not formulas in the CSV", () => {
    const csv = toCsv(report.tables.adoption as Report["tables"][string]);
    expect(csv.split("\r\n")[1]).toMatch(/^"'=HYPERLINK\(/);
  });
});
