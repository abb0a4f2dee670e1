import { compareSeverity } from "@secflow/sarif";
import type { ChangeClass, ReportedChange } from "./diff-file.ts";

const CLASS_ORDER: Record<ChangeClass, number> = { escalation: 0, widening: 1, neutral: 2, reduction: 3 };
/** Permissions or resources named in one row before the rest are counted (16: every token scope). */
const MAX_LISTED = 16;

/**
 * One row per line of policy. First the changes of one subject at one line (an RBAC rule with
 * seven verbs, an IAM action on three resources, a job's repository default) become one change
 * with the most severe one's class, severity and rule; then the same change for several subjects
 * (a top-level `permissions:` block that applies to every job, a rule of two aggregated roles)
 * becomes one change naming them all. Sorted most severe first, then by file and line.
 */
export function collapseAndSort(changes: readonly ReportedChange[]): ReportedChange[] {
  const collapsed = collapseSubjects(mergeLines(changes));
  return collapsed.sort(
    (a, b) =>
      CLASS_ORDER[a.class] - CLASS_ORDER[b.class] ||
      compareSeverity(b.severity, a.severity) ||
      compare(a.file, b.file) ||
      a.line - b.line ||
      compare(a.subject, b.subject) ||
      compare(a.permission, b.permission) ||
      compare(a.resource, b.resource),
  );
}

function mergeLines(changes: readonly ReportedChange[]): ReportedChange[] {
  const groups = new Map<string, ReportedChange[]>();
  for (const change of changes) {
    const { source, kind, effect, file, line, side, subject } = change;
    // Added and widened on one line are one growth (a job's default token gains new scopes and
    // writes to old ones); narrowed and removed one shrinking.
    const direction = kind === "added" || kind === "widened" ? "more" : "less";
    // What grants nothing (an ordinary code owner) never joins a row that does.
    const neutral = change.class === "neutral";
    const key = JSON.stringify([source, direction, neutral, effect, file, line, side, subject]);
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0] as ReportedChange;
    const worst = [...group].sort(
      (a, b) => compareSeverity(b.severity, a.severity) || CLASS_ORDER[a.class] - CLASS_ORDER[b.class],
    )[0] as ReportedChange;
    const permissions = group.map((c) => c.permission);
    const before = mergeTexts(group.map((c) => c.before));
    const after = mergeTexts(group.map((c) => c.after));
    const kinds = new Set(group.map((c) => c.kind));
    const kind = kinds.size === 1 ? worst.kind : kinds.has("added") ? "widened" : "narrowed";
    return {
      ...worst,
      kind,
      ruleId: worst.ruleId.replace(`/${worst.kind}`, `/${kind}`),
      permission: list(permissions),
      resource: list(group.map((c) => c.resource)),
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
      sensitive: group.some((c) => c.sensitive),
    };
  });
}

/**
 * Texts of one line's changes as one: "get on pods", "list on pods" → "get, list on pods"
 * (what follows the permission is shared), other texts side by side.
 */
function mergeTexts(texts: readonly (string | undefined)[]): string | undefined {
  const present = texts.filter((t): t is string => t !== undefined);
  if (present.length === 0) return undefined;
  const byRest = new Map<string, string[]>();
  for (const text of new Set(present)) {
    // The permission is the text up to " on ", ": ", " " … — what follows it is shared.
    const split = /^(\S+?(?:: (?:read|write))?)( on |: | to | of | )(.*)$/s.exec(text);
    const [head, rest] = split ? [split[1] ?? text, `${split[2]}${split[3]}`] : [text, ""];
    byRest.set(rest, [...(byRest.get(rest) ?? []), head]);
  }
  return [...byRest].map(([rest, heads]) => `${list(heads)}${rest}`).join("; ");
}

function list(values: readonly string[]): string {
  const unique = [...new Set(values)];
  const shown = unique.slice(0, MAX_LISTED).join(", ");
  return unique.length > MAX_LISTED ? `${shown} and ${unique.length - MAX_LISTED} more` : shown;
}

function collapseSubjects(changes: readonly ReportedChange[]): ReportedChange[] {
  const merged = new Map<string, { change: ReportedChange; subjects: string[] }>();
  for (const change of changes) {
    const { subject, ...rest } = change;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => compare(a, b)));
    const existing = merged.get(key);
    if (!existing) merged.set(key, { change, subjects: [subject] });
    else if (!existing.subjects.includes(subject)) existing.subjects.push(subject);
  }
  return [...merged.values()].map(({ change, subjects }) => ({ ...change, subject: subjects.join(", ") }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
