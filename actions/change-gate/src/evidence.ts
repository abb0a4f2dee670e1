import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import pkg from "../package.json" with { type: "json" };
import type { GateReport } from "./report.ts";

const EVIDENCE_VERSION = 1;

/**
 * The audit record a change board would have asked for: who changed what, how big and risky it
 * was, which rules ran on which inputs (with digests of every file read), who approved which
 * commit and when, which waivers applied or expired, and what was decided when.
 */
export function evidenceOf(report: GateReport, finishedAt: Date): Record<string, unknown> {
  const { verdict, context, policy, evaluation } = report;
  return {
    evidenceVersion: EVIDENCE_VERSION,
    tool: { name: "secflow change-gate", version: pkg.version },
    decision: verdict.decision,
    ruleDecision: verdict.ruleDecision,
    clearedBy: verdict.clearedBy ?? null,
    mode: report.mode,
    enforced: report.mode === "enforce",
    startedAt: report.startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    repository: report.links.repository
      ? `${report.links.repository.owner}/${report.links.repository.repo}`
      : null,
    pullRequest: context
      ? {
          number: context.number ?? null,
          title: context.title ?? null,
          url: context.url ?? null,
          author: context.author ?? null,
          event: context.eventName ?? null,
          baseSha: context.baseSha ?? null,
          headSha: context.headSha,
          mergeBaseSha: context.mergeBaseSha ?? null,
          baseSource: context.baseSource ?? null,
          labels: context.labels,
          size: {
            files: context.changedFileCount,
            additions: context.additions,
            deletions: context.deletions,
            lines: context.additions + context.deletions,
          },
          files: context.changedFiles,
        }
      : null,
    config: report.config,
    policy,
    reasons: verdict.reasons,
    rules: evaluation.rules,
    inputs: {
      sarif: report.sarif,
      policyDiff: report.policyDiff
        ? {
            file: report.policyDiff.file,
            sha256: report.policyDiff.sha256 ?? null,
            bytes: report.policyDiff.bytes ?? null,
            valid: report.policyDiff.diff !== undefined,
            counts: report.policyDiff.diff?.counts ?? null,
            changes: report.policyDiff.diff?.changes ?? [],
          }
        : null,
    },
    approvals: verdict.approvals
      ? {
          approved: verdict.approvals.approved,
          approvedBy: verdict.approvals.approvedBy,
          reviews: verdict.approvals.reviews,
          note: verdict.approvals.note ?? null,
        }
      : null,
    labels: report.labels.records,
    waivers: {
      applied: report.waivers.applied,
      expiredButMatching: report.waivers.expiredHits,
      expired: report.waivers.expiredWaivers(),
    },
    notes: report.notes,
  };
}

export async function writeEvidence(file: string, evidence: Record<string, unknown>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(evidence, null, 2)}\n`);
}
