/** About this many characters of flagged code go in a result's snippet; longer lines are cut around the region. */
export const MAX_SNIPPET_CHARS = 200;

/** Where the flagged code is on the snippet's first line (1-based columns, as the tools give them). */
export interface SnippetRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

/**
 * The flagged code, cut to about MAX_SNIPPET_CHARS around the region, with "…" where it was cut.
 * A minified file's one line can run to megabytes; its whole text in every result's snippet
 * made one app's SARIF 28.8 MB for 400 results. The cut is the same at base and head for the
 * same code, so the fingerprint and the baseline, which use the snippet, still match it.
 */
export function capSnippet(text: string, region: SnippetRegion): string {
  if (text.length <= MAX_SNIPPET_CHARS) return text;
  const start = clamp((region.startColumn ?? 1) - 1, 0, text.length);
  const sameLine = region.endLine === undefined || region.endLine === region.startLine;
  const end =
    sameLine && region.endColumn !== undefined
      ? clamp(region.endColumn - 1, start + 1, text.length)
      : start + 1;
  let from: number;
  if (end - start >= MAX_SNIPPET_CHARS) from = start;
  else
    from = clamp(
      start - Math.floor((MAX_SNIPPET_CHARS - (end - start)) / 2),
      0,
      text.length - MAX_SNIPPET_CHARS,
    );
  let to = Math.min(text.length, from + MAX_SNIPPET_CHARS);
  // Never split a surrogate pair: the cut text must stay valid UTF-16.
  if (isLowSurrogate(text.charCodeAt(from))) from++;
  if (isLowSurrogate(text.charCodeAt(to))) to--;
  return `${from > 0 ? "…" : ""}${text.slice(from, to)}${to < text.length ? "…" : ""}`;
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
