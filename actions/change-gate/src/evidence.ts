import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import pkg from "../package.json" with { type: "json" };
import type { GateReport } from "./report.ts";

// 2: run, change, enforcement, inputs.sources; ignored inputs and refused waivers.
const EVIDENCE_VERSION = 2;

/**
 * The audit record a change board would have asked for: which run decided (run id and attempt,
 * workflow ref and SHA, event and a digest of its payload), who changed what, how big and risky
 * it was, which rules ran on which inputs (each input's source, a digest of every file read, and
 * why any was ignored), who approved which commit and when, which waivers applied, were refused
 * or expired, and what was decided when.
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
    run: report.run,
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
    change: report.change,
    enforcement: {
      workflow: report.enforcement.workflow,
      readAt: report.enforcement.readAt,
      step: report.enforcement.step,
      differences: report.enforcement.differences,
      note: report.enforcement.note ?? null,
    },
    config: report.config,
    policy,
    reasons: verdict.reasons,
    rules: evaluation.rules,
    inputs: {
      sources: report.enforcement.sources,
      sarif: report.sarif,
      policyDiff: report.policyDiff
        ? {
            file: report.policyDiff.file,
            sha256: report.policyDiff.sha256 ?? null,
            bytes: report.policyDiff.bytes ?? null,
            valid: report.policyDiff.diff !== undefined,
            ignored: report.policyDiff.ignored ?? null,
            counts: report.policyDiff.diff?.counts ?? null,
            changes: report.policyDiff.diff?.changes ?? [],
          }
        : null,
    },
    // Everything the approval check found (who counted, who blocks, with what permission).
    approvals: verdict.approvals ? { ...verdict.approvals, note: verdict.approvals.note ?? null } : null,
    labels: report.labels.records,
    waivers: {
      maxDays: report.policy.waiverMaxDays,
      applied: report.waivers.applied,
      refused: report.waivers.refused(),
      refusedHits: report.waivers.refusedHits,
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
