// Bandit runs with --ignore-nosec, so a `# nosec` comment cannot make a finding vanish; this
// reads the comments the way Bandit 1.7 does and marks the findings they would have hidden as
// suppressed in source, where the gate and reviewers see them.

import type { Finding } from "../report.ts";
import { pythonComments } from "./python-comments.ts";

// Bandit's own pattern: "#nosec", "# nosec", "# nosec: B602", "# nosec B602, B607".
const NOSEC = /#\s*nosec:?\s*([^#]+)?/;

/**
 * The tests a comment names after `nosec` (lower case): empty for a bare `# nosec` (every test),
 * undefined when the comment is not a nosec comment.
 */
export function nosecTests(comment: string): Set<string> | undefined {
  const match = NOSEC.exec(comment);
  if (!match) return undefined;
  return new Set((match[1] ?? "").match(/[a-z\d_]+/gi)?.map((t) => t.toLowerCase()) ?? []);
}

/**
 * Whether Bandit would skip a finding for the nosec comments of its file: on its line, or on the
 * first line of the statement it flags that has one. A bare nosec skips every test; one that
 * names tests (ids such as B602, or names such as subprocess_popen_with_shell_equals_true) skips
 * only those. Any other words after nosec count as names too, so free text suppresses nothing:
 * where Bandit 1.7 would read it as a bare nosec, the finding stays counted rather than hidden.
 */
function nosecSuppresses(
  comments: ReadonlyMap<number, string>,
  finding: Pick<Finding, "ruleId" | "startLine">,
  test: { name: string | undefined; lines: readonly number[] },
): boolean {
  const found: Set<string>[] = [];
  const own = nosecAt(comments, finding.startLine);
  if (own) found.push(own);
  for (const line of test.lines) {
    const statement = nosecAt(comments, line);
    if (statement) {
      found.push(statement);
      break;
    }
  }
  if (found.length === 0) return false;
  const named = new Set(found.flatMap((tests) => [...tests]));
  if (named.size === 0) return true;
  return (
    named.has(finding.ruleId.toLowerCase()) || (test.name !== undefined && named.has(test.name.toLowerCase()))
  );
}

function nosecAt(comments: ReadonlyMap<number, string>, line: number): Set<string> | undefined {
  const comment = comments.get(line);
  return comment === undefined ? undefined : nosecTests(comment);
}

/**
 * Marks the findings of one Python file that its nosec comments cover as suppressed in source.
 * `test` gives a finding's test name and the lines of the statement it flags (Bandit's line_range).
 */
export function markNosec(
  source: string,
  findings: readonly Finding[],
  test: (finding: Finding) => { name: string | undefined; lines: readonly number[] },
): void {
  const comments = pythonComments(source);
  for (const finding of findings) {
    if (nosecSuppresses(comments, finding, test(finding))) {
      finding.suppressions = [{ kind: "inSource" }];
    }
  }
}
