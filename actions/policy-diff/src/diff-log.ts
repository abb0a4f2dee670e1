import type { ActionIO } from "@secflow/kit";
import type { PolicyDiff } from "./diff-file.ts";
import type { PolicyAtCommits } from "./read-commits.ts";
import type { RunNotes } from "./run-notes.ts";

/**
 * What was compared, skipped and renamed; a warning (at the line, in head) per unreadable file
 * that changed and per CODEOWNERS line GitHub skips.
 */
export function logDiff(diff: PolicyDiff, policy: PolicyAtCommits, notes: RunNotes, io: ActionIO): void {
  const { counts } = diff;
  io.info(
    `Compared ${diff.base.slice(0, 12)}..${diff.head.slice(0, 12)}: ${plural(diff.changes.length, "change")} ` +
      `(${plural(counts.escalations, "escalation")}, ${plural(counts.widenings, "widening")}, ${counts.neutral} neutral, ${plural(counts.reductions, "reduction")}).`,
  );
  const { base, head } = policy.reads;
  io.info(
    `Read ${plural(head.parsed, "policy file")} at the head and ${base.parsed} at the base; ${plural(head.shared + base.shared, "unchanged file")} read once for both commits, ${plural(head.skipped, "unchanged IAM policy", "unchanged IAM policies")} not read (no change can come from them).`,
  );
  const otherObjects = policy.base.otherKubernetesObjects + policy.head.otherKubernetesObjects;
  if (otherObjects)
    io.info(`Skipped ${otherObjects} Kubernetes objects that are not RBAC (they grant no RBAC permission).`);
  if (notes.notPolicy.length) {
    io.info(
      `Not policy: ${plural(notes.notPolicy.length, "file")} under the Kubernetes globs hold YAML that is no Kubernetes object (no apiVersion or kind, e.g. kustomization.yaml, Chart.yaml, values.yaml, patches), so they grant nothing and were skipped: ${notes.notPolicy.join(", ")}.`,
    );
  }
  for (const [from, to] of notes.renames)
    io.info(`Renamed policy file: ${from} → ${to} (compared as one file)`);
  for (const { from, to, count } of notes.moves)
    io.info(`Moved unchanged: ${plural(count, "grant")} from ${from} to ${to} (no change).`);
  for (const { from, to } of notes.renamed) io.info(`Renamed or moved: ${from} → ${to} (compared as one).`);
  if (notes.defaultPermissions) {
    const { setting, assumed } = notes.defaultPermissions;
    io.info(
      assumed
        ? "Jobs without permissions: are judged with the repository default token assumed restricted (GitHub's default for new repositories); the repository's setting was not read through the API. Set policy.workflows.default-permissions in .github/secflow.yml if it is permissive."
        : `Jobs without permissions: are judged with the repository default token ${setting} (policy.workflows.default-permissions of the base commit).`,
    );
  }
  for (const { file, ref, skipped } of notes.codeownersSkipped) {
    for (const { line, reason } of skipped) {
      const message = `${file} line ${line} at the ${ref} commit is invalid and skipped, as GitHub skips it: ${reason}`;
      if (ref === "head") io.warning(message, { file, startLine: line });
      else io.info(message);
    }
  }
  for (const u of notes.noted) {
    io.info(
      `Could not read ${u.file} at the ${u.ref} commit (${u.reason}); it is the same at both commits, so nothing in it changed.`,
    );
  }
  for (const u of diff.unreadable) {
    const line = /^line (\d+):/.exec(u.reason)?.[1];
    io.warning(
      `Could not read ${u.file} at the ${u.ref} commit, and it changed: ${u.reason}`,
      u.ref === "head" ? { file: u.file, ...(line ? { startLine: Number(line) } : {}) } : undefined,
    );
  }
}

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}
