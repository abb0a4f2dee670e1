import picomatch from "picomatch";

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  matches: (path: string) => boolean;
}

const OWNER = /^(@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

/** A line GitHub would skip, with why. */
export interface SkippedLine {
  line: number;
  reason: string;
}

export interface ParsedCodeowners {
  rules: CodeownersRule[];
  /** Invalid lines: GitHub skips each one and applies the others, and so does policy-diff. */
  skipped: SkippedLine[];
}

/** Parses CODEOWNERS: one rule per line, `pattern owner…`; a later matching rule wins. */
export function parseCodeowners(text: string): ParsedCodeowners {
  const parsed: ParsedCodeowners = { rules: [], skipped: [] };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const [pattern, ...owners] = tokenize(stripComment(raw));
    if (pattern === undefined) return;
    const problem = invalidRule(pattern, owners);
    if (problem) parsed.skipped.push({ line, reason: problem });
    else
      parsed.rules.push({
        pattern,
        owners: owners.map((o) => o.toLowerCase()),
        line,
        matches: matcherFor(pattern),
      });
  });
  return parsed;
}

/** Why GitHub would not use this line, or undefined when it is a valid rule. */
function invalidRule(pattern: string, owners: string[]): string | undefined {
  if (pattern.startsWith("!")) return `"${pattern}": CODEOWNERS does not support negated patterns`;
  if (pattern.includes("[") || pattern.includes("]"))
    return `"${pattern}": CODEOWNERS does not support [ ] ranges`;
  const notOwner = owners.find((owner) => !OWNER.test(owner));
  return notOwner === undefined
    ? undefined
    : `"${notOwner}" is not an owner: write @user, @org/team or an email address`;
}

/** Owners of a path: those of the last rule that matches it (none when no rule does). */
export function ownersOf(rules: readonly CodeownersRule[], path: string): CodeownersRule | undefined {
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i]?.matches(path)) return rules[i];
  return undefined;
}

/** gitignore-style pattern → matcher, as GitHub reads CODEOWNERS. */
function matcherFor(pattern: string): (path: string) => boolean {
  let p = pattern;
  const anchored = p.startsWith("/");
  if (anchored) p = p.slice(1);
  const directory = p.endsWith("/");
  if (directory) p = p.slice(0, -1);
  if (p === "" || p === "*" || p === "**") return () => true;
  // Without a slash (other than a trailing one) a pattern matches at any depth.
  const rooted = anchored || p.includes("/") ? p : `**/${p}`;
  const last = p.split("/").pop() ?? "";
  // `docs/*` matches files right under docs only; `docs` and `docs/` match everything below.
  const globs = directory ? [`${rooted}/**`] : last.includes("*") ? [rooted] : [rooted, `${rooted}/**`];
  const isMatch = picomatch(globs, { dot: true });
  return (path) => isMatch(path);
}

function stripComment(line: string): string {
  // `#` starts a comment unless escaped.
  const match = /(^|[^\\])#/.exec(line);
  return match ? line.slice(0, match.index + (match[1] ?? "").length) : line;
}

function tokenize(line: string): string[] {
  // `\ ` keeps a space inside a pattern.
  return line
    .trim()
    .split(/(?<!\\)\s+/)
    .filter((t) => t !== "")
    .map((t) => t.replace(/\\(.)/g, "$1"));
}
