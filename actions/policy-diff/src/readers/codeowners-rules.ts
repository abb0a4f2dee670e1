import picomatch from "picomatch";
import { PolicyFileError } from "../policy-file-error.ts";

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  line: number;
  matches: (path: string) => boolean;
}

const OWNER = /^(@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;

/** Parses CODEOWNERS: one rule per line, `pattern owner…`; a later matching rule wins. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const tokens = tokenize(stripComment(raw));
    const [pattern, ...owners] = tokens;
    if (pattern === undefined) return;
    if (pattern.startsWith("!"))
      throw new PolicyFileError(`"${pattern}": CODEOWNERS does not support negated patterns`, line);
    if (pattern.includes("[") || pattern.includes("]"))
      throw new PolicyFileError(`"${pattern}": CODEOWNERS does not support [ ] ranges`, line);
    for (const owner of owners) {
      if (!OWNER.test(owner))
        throw new PolicyFileError(
          `"${owner}" is not an owner: write @user, @org/team or an email address`,
          line,
        );
    }
    rules.push({ pattern, owners: owners.map((o) => o.toLowerCase()), line, matches: matcherFor(pattern) });
  });
  return rules;
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
