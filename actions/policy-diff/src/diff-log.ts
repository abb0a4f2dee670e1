import type { ActionIO } from "@secflow/kit";
import type { PolicyDiff } from "./diff-file.ts";
import type { PolicyAtCommits } from "./read-commits.ts";

/** Policy files renamed between the commits (compared as one file), for the log and the summary. */
export function policyRenames(policy: PolicyAtCommits): Map<string, string> {
  return new Map(
    [...policy.renames].filter(
      ([from, to]) => policy.base.policyFiles.has(from) || policy.head.policyFiles.has(to),
    ),
  );
}

/** What was compared, skipped and renamed, and a warning (at the line, in head) per unreadable file. */
export function logDiff(diff: PolicyDiff, policy: PolicyAtCommits, io: ActionIO): void {
  const { counts } = diff;
  io.info(
    `Compared ${diff.base.slice(0, 12)}..${diff.head.slice(0, 12)}: ${plural(diff.changes.length, "change")} ` +
      `(${plural(counts.escalations, "escalation")}, ${plural(counts.widenings, "widening")}, ${counts.neutral} neutral, ${plural(counts.reductions, "reduction")}).`,
  );
  const otherObjects = policy.base.otherKubernetesObjects + policy.head.otherKubernetesObjects;
  if (otherObjects)
    io.info(`Skipped ${otherObjects} Kubernetes objects that are not RBAC (they grant no RBAC permission).`);
  for (const [from, to] of policyRenames(policy))
    io.info(`Renamed policy file: ${from} → ${to} (compared as one file)`);
  for (const u of diff.unreadable) {
    const line = /^line (\d+):/.exec(u.reason)?.[1];
    io.warning(
      `Could not read ${u.file} at the ${u.ref} commit: ${u.reason}`,
      u.ref === "head" ? { file: u.file, ...(line ? { startLine: Number(line) } : {}) } : undefined,
    );
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
