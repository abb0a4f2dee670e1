import { compareSeverity } from "@secflow/sarif";
import type { ChangeClass, PolicyChange } from "./diff-file.ts";

const CLASS_ORDER: Record<ChangeClass, number> = { escalation: 0, widening: 1, neutral: 2, reduction: 3 };

/**
 * One change per line of policy: the same change for several subjects (a top-level
 * `permissions:` block that applies to every job, a binding with three subjects) becomes one
 * change naming them all. Sorted most severe first, then by file and line.
 */
export function collapseAndSort(changes: readonly PolicyChange[]): PolicyChange[] {
  const merged = new Map<string, { change: PolicyChange; subjects: string[] }>();
  for (const change of changes) {
    const { subject, ...rest } = change;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => compare(a, b)));
    const existing = merged.get(key);
    if (!existing) merged.set(key, { change, subjects: [subject] });
    else if (!existing.subjects.includes(subject)) existing.subjects.push(subject);
  }
  const collapsed = [...merged.values()].map(({ change, subjects }) => ({
    ...change,
    subject: subjects.join(", "),
  }));
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
