// flawfinder runs with --neverignore, so an ignore comment cannot make a hit vanish; this finds
// the comments with flawfinder's own lexer and replays its rule to mark the hits they would have
// hidden as suppressed in source.

import type { Finding } from "../report.ts";

/** Where a directive comment starts: 1-based line, and column counted in characters as flawfinder does. */
export interface Directive {
  line: number;
  column: number;
}

// flawfinder reads any of these at the start of a comment as "ignore" (it knows no other directive).
const DIRECTIVE = /^\s*(ITS4|Flawfinder|RATS):/i;
const WORD = /[A-Za-z_][A-Za-z_0-9$]*/y;
const INCLUDE = /#\s*include\s+(<.*?>|".*?")/y;
const BLANKS = /[ \t\v\f]+/y;

/**
 * The directive comments of a C/C++ file (`/* flawfinder: ignore *\/`, `// RATS: ignore`, …),
 * found by the same state machine flawfinder 2.0 uses: comments, strings, character literals,
 * `#include <…>` and C++ digit separators are skipped as it skips them.
 */
export function flawfinderDirectives(source: string, file: string): Directive[] {
  const text = source.replace(/\r\n?/g, "\n");
  const cpp = /\.(cpp|cxx|cc|hpp)$/.test(file);
  const directives: Directive[] = [];
  let line = 1;
  let lineStart = 0;
  let lineBegin = true;
  let inComment = false;
  let inString: 0 | 1 | 2 = 0;
  let i = 0;
  const match = (pattern: RegExp, at: number) => {
    pattern.lastIndex = at;
    return pattern.exec(text);
  };
  while (i < text.length) {
    const blanks = match(BLANKS, i);
    if (blanks) i += blanks[0].length;
    const c = i >= text.length ? "\n" : (text[i] as string);
    if (lineBegin) {
      lineBegin = false;
      const include = match(INCLUDE, i);
      if (include) {
        i += include[0].length;
        continue;
      }
    }
    if (c === "\n") {
      line++;
      i++;
      lineStart = i;
      lineBegin = true;
      continue;
    }
    i++;
    const next = text[i] ?? "";
    if (inComment) {
      if (c === "*" && next === "/") {
        i++;
        inComment = false;
      }
    } else if (inString) {
      if (c === "\\" && next !== "\n") i++;
      else if ((c === '"' && inString === 1) || (c === "'" && inString === 2)) inString = 0;
    } else if (c === "/" && (next === "*" || next === "/")) {
      if (DIRECTIVE.test(text.slice(i + 1, i + 200))) {
        // Columns count characters (code points), as flawfinder's Python does.
        directives.push({ line, column: [...text.slice(lineStart, i - 1)].length + 1 });
      }
      if (next === "*") {
        i++;
        inComment = true;
      } else {
        while (i < text.length && text[i] !== "\n") i++;
      }
    } else if (c === '"') inString = 1;
    else if (c === "'") inString = 2;
    else {
      const word = match(WORD, i - 1);
      if (word) i = i - 1 + word[0].length;
      else if (/[0-9]/.test(c)) {
        while (i < text.length && (/[0-9]/.test(text[i] as string) || (cpp && text[i] === "'"))) i++;
      }
    }
  }
  return directives;
}

/**
 * flawfinder's rule, replayed in reading order: a directive drops the hits already found on its
 * line; when there are none, it drops the hits of the next line instead.
 */
export function markFlawfinderIgnores(findings: readonly Finding[], directives: readonly Directive[]): void {
  type Event = { line: number; column: number; finding?: Finding };
  const events: Event[] = [
    ...findings.map((finding) => ({ line: finding.startLine, column: finding.startColumn ?? 1, finding })),
    ...directives,
  ].sort((a, b) => a.line - b.line || a.column - b.column);
  let ignoreLine = -1;
  const kept: Finding[] = [];
  for (const event of events) {
    if (event.finding) {
      if (event.line === ignoreLine) suppress(event.finding);
      else kept.push(event.finding);
      continue;
    }
    const onLine = kept.filter((f) => f.startLine === event.line && !f.suppressions);
    for (const finding of onLine) suppress(finding);
    if (onLine.length === 0) ignoreLine = event.line + 1;
  }
}

function suppress(finding: Finding): void {
  finding.suppressions = [{ kind: "inSource" }];
}
