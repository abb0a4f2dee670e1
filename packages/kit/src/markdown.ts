// Text from users (file names, branch names, pull-request titles, tool messages) goes into
// summaries and comments; these helpers keep it text: no HTML, links, mentions or broken tables.

const ZWJ = "\u200d";
// Backslash-escaped: they would start emphasis, code, links, images, HTML, headings or cells.
const SPECIAL = /[\\`*_~[\]<>#!|&]/g;

/**
 * Escapes text for use inline in GitHub Markdown, including inside a table cell. Newlines
 * become spaces; `@name` and `#123` get a zero-width joiner so they neither mention nor link
 * (GitHub finds those in rendered text, so a backslash would not stop them).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, " ")
    .replace(SPECIAL, "\\$&")
    .replace(/^(\s*)([-+=])/, "$1\\$2") // a list item or a setext underline
    .replace(/^(\s*\d+)([.)])/, "$1\\$2") // an ordered list item
    .replace(/@(?=[\w-])/g, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`);
}

/** A Markdown fragment that a table cell takes as is (only its pipes and newlines are made safe). */
export interface MarkdownCell {
  markdown: string;
}

export type TableCell = string | number | MarkdownCell;

/**
 * A GitHub Markdown table. Text cells are escaped; use `{ markdown: codeSpan(x) }` for a cell
 * that is already Markdown.
 */
export function markdownTable(
  headers: readonly TableCell[],
  rows: readonly (readonly TableCell[])[],
): string {
  const line = (cells: readonly TableCell[]) => `| ${cells.map(cell).join(" | ")} |`;
  const lines = [line(headers), `| ${headers.map(() => "---").join(" | ")} |`];
  for (const row of rows) {
    if (row.length !== headers.length) {
      throw new Error(`markdownTable: a row has ${row.length} cells, the header ${headers.length}`);
    }
    lines.push(line(row));
  }
  return `${lines.join("\n")}\n`;
}

function cell(value: TableCell): string {
  if (typeof value === "object") {
    // GitHub splits cells on any pipe not preceded by a backslash, even inside code spans.
    const safe = value.markdown.replace(/\r\n|\r|\n/g, " ").replace(/(?<!\\)\|/g, "\\|");
    return safe.trim() === "" ? " " : safe;
  }
  const text = escapeMarkdown(String(value));
  return text.trim() === "" ? " " : text;
}

/** Text as an inline code span, whatever backticks it holds. Newlines become spaces. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r\n|\r|\n/g, " ");
  // All spaces (or nothing) is kept as is; CommonMark strips nothing from such a span.
  if (flat.trim() === "") return `\`${flat || " "}\``;
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  // A space on both sides keeps a leading or trailing backtick apart from the fence; CommonMark
  // strips exactly one from each side again.
  const pad = /^[` ]|[` ]$/.test(flat) ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}
