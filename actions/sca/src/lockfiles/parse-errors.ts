// Parse errors of YAML, TOML, yarn.lock and go.mod readers in the words JSON errors use ("not
// valid JSON at line 3, column 8 (…)"): a place a person can go to, and the parser's description
// without the piece of the file some parsers quote back (a code frame, a "found" token).

/** "not valid YAML at line 3, column 8 (description)". */
export function invalidAt(format: string, line: number, column: number, description: string): string {
  const what = description.trim();
  return `not valid ${format} at line ${line}, column ${column}${what ? ` (${what})` : ""}`;
}

/** The first line of a parser's message, without its own position and code frame. */
export function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "")
    .replace(/\s+at line \d+, column \d+:?\s*$/, "")
    .replace(/\s*\(\d+:\d+\)\s*$/, "")
    .replace(/:\s*$/, "")
    .trim();
}
