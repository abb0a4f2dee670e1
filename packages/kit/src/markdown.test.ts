import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codeSpan, escapeMarkdown, markdownTable } from "./markdown.ts";

const ZWJ = "\u200d";
const NASTY = "x | y <img src=x onerror=alert(1)> @org/security [link](javascript:alert(1)) fixes #123";

// Any character, with Markdown's special ones and line breaks often.
const markdownish = fc.oneof(
  fc.constantFrom(..."\\`*_~[]<>#!|&@-+=.()\r\n 1"),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
);

/** The characters a Markdown parser sees as syntax: those not escaped by a backslash. */
function unescaped(markdown: string): string {
  let out = "";
  for (let i = 0; i < markdown.length; i++) {
    if (markdown[i] === "\\") i++;
    else out += markdown[i];
  }
  return out;
}

/** What CommonMark renders for backslash escapes, plus removing our zero-width joiners. */
function rendered(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, "$1").replaceAll(ZWJ, "");
}

describe("escapeMarkdown", () => {
  it("leaves no HTML, link, mention or issue link in a hostile title", () => {
    const escaped = escapeMarkdown(NASTY);
    const syntax = unescaped(escaped);
    for (const ch of ["<", ">", "[", "]", "|", "`", "*", "_", "!"]) expect(syntax).not.toContain(ch);
    expect(escaped).toContain(`@${ZWJ}org/security`);
    expect(escaped).toContain(`#${ZWJ}123`);
    expect(escaped).not.toMatch(/@[\w-]/);
    expect(rendered(escaped)).toBe(NASTY);
  });

  it("puts everything on one line and keeps list markers as text", () => {
    expect(escapeMarkdown("- a\n# b\r\nc")).toBe("\\- a \\# b c");
    expect(escapeMarkdown("1. first")).toBe("1\\. first");
  });

  it("renders back to the original text for any input (newlines as spaces)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: markdownish, maxLength: 40 }).filter((t) => !t.includes(ZWJ)),
        (text) => {
          expect(rendered(escapeMarkdown(text))).toBe(text.replace(/\r\n|\r|\n/g, " "));
        },
      ),
    );
  });
});

describe("markdownTable", () => {
  it("keeps a hostile title inside its cell", () => {
    const table = markdownTable(["Title", "Author"], [[NASTY, "@octocat\nnext"]]);
    const [header, separator, row, rest] = table.split("\n");
    expect(header).toBe("| Title | Author |");
    expect(separator).toBe("| --- | --- |");
    expect(rest).toBe("");
    expect(row).toBeDefined();
    expect([...unescaped(row ?? "")].filter((ch) => ch === "|")).toHaveLength(3);
    expect(unescaped(row ?? "")).not.toMatch(/[<>[\]]/);
    expect(row).toContain(`@${ZWJ}octocat next`);
  });

  it("takes Markdown cells as is but escapes their pipes", () => {
    const table = markdownTable(["File", "Lines"], [[{ markdown: codeSpan("a|b.ts") }, 3]]);
    expect(table.split("\n")[2]).toBe("| `a\\|b.ts` | 3 |");
  });

  it("refuses a row that does not fit the header", () => {
    expect(() => markdownTable(["a", "b"], [["1"]])).toThrow(/1 cells, the header 2/);
  });

  it("never lets a cell add a column", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: markdownish }), { minLength: 1, maxLength: 4 }), (cells) => {
        const row =
          markdownTable(
            cells.map((_, i) => `h${i}`),
            [cells],
          ).split("\n")[2] ?? "";
        expect([...unescaped(row)].filter((ch) => ch === "|")).toHaveLength(cells.length + 1);
      }),
    );
  });
});

describe("codeSpan", () => {
  /** Parses a single CommonMark code span back to its content. */
  function decode(span: string): string {
    const fence = /^`+/.exec(span)?.[0] ?? "";
    expect(span.endsWith(fence)).toBe(true);
    const inner = span.slice(fence.length, span.length - fence.length);
    // The span must not close early on an equal run of backticks inside.
    for (const run of inner.match(/`+/g) ?? []) expect(run.length).not.toBe(fence.length);
    return inner.length >= 2 && inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== ""
      ? inner.slice(1, -1)
      : inner;
  }

  it("wraps text with backticks in a longer fence", () => {
    expect(codeSpan("plain")).toBe("`plain`");
    expect(codeSpan("a `b` c")).toBe("``a `b` c``");
    expect(codeSpan("`x`")).toBe("`` `x` ``");
    expect(codeSpan("")).toBe("` `");
  });

  it("renders back to the original text for any input", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: markdownish }).filter((s) => s.trim() !== ""),
        (text) => {
          expect(decode(codeSpan(text))).toBe(text.replace(/\r\n|\r|\n/g, " "));
        },
      ),
    );
  });
});
