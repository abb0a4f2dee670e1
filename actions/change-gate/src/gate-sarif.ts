import { pathToFileURL } from "node:url";
import { RunBuilder, type Sarif, type Severity, sarifLog } from "@secflow/sarif";
import pkg from "../package.json" with { type: "json" };
import type { GateRuleId, Verdict } from "./reasons.ts";
import type { GateReport } from "./report.ts";

const INFORMATION_URI = "https://github.com/secflow/secflow/tree/main/actions/change-gate";

const RULES: Record<GateRuleId, { short: string; full: string }> = {
  "gate/new-finding": {
    short: "New finding at or above the gate's threshold",
    full: "The pull request introduces a finding whose severity meets the gate's fail or review threshold for its category.",
  },
  "gate/policy-escalation": {
    short: "Privilege escalation",
    full: "The pull request adds or broadens a privilege; a security reviewer must approve it (or the gate policy fails it).",
  },
  "gate/batch-size": {
    short: "Change larger than the gate's batch limits",
    full: "The pull request changes more lines or files than the gate allows without review; smaller changes are reviewed better.",
  },
  "gate/sensitive-path": {
    short: "Change to a sensitive path",
    full: "The pull request changes a file under a path the team marked sensitive, or the gate's own configuration.",
  },
  "gate/documentation": {
    short: "Required pull-request documentation missing",
    full: "The change is risky and its description lacks a section the gate policy requires, such as a rollback plan.",
  },
  "gate/review-label": {
    short: "Review requested by label",
    full: "A label on the pull request asks for a security review.",
  },
  "gate/base-override": {
    short: "Base or head input moved off the pull request's commits",
    full: "In a pull-request event the base or head input named other commits than the event's; the gate judged the event's commits under the base's policy, and a moved base needs a security review.",
  },
  "gate/workflow-change": {
    short: "Change to a workflow that runs secflow",
    full: "The pull request adds, edits or deletes a workflow (or action definition) that runs secflow: a change to the checks that judge pull requests needs a security review.",
  },
  "gate/missing-input": {
    short: "Expected gate input missing",
    full: "A SARIF file, folder, glob or category the gate expects was not there, was not bound to the change (committed by it, or without provenance naming its head), or said it did not check everything, so the gate cannot vouch for the change.",
  },
  "gate/invalid-input": {
    short: "Gate input unusable",
    full: "A SARIF or policy-diff file was empty, truncated, invalid, stale or contradictory, or the change could not be read.",
  },
  "gate/config-error": {
    short: "Gate configuration unreadable",
    full: "The configuration on the base commit does not parse or validate, so the gate policy is unknown.",
  },
  "gate/api-error": {
    short: "GitHub API error",
    full: "The gate could not read reviews, team memberships or label events from the GitHub API.",
  },
};

const SEVERITY: Record<Verdict, Severity> = { fail: "high", review: "medium", warn: "low" };

/**
 * One run, category `secflow/change-gate/[<team>/]`, with one result per violated rule
 * instance; a reason without a place of its own points at the configuration file. `root` is
 * the repository's root, which result paths are relative to.
 */
export function gateSarif(report: GateReport, root: string): Sarif.Log {
  const { context, links, policy, verdict } = report;
  const builder = new RunBuilder({
    action: "change-gate",
    actionVersion: pkg.version,
    tool: { name: "secflow change-gate", version: pkg.version, informationUri: INFORMATION_URI },
    category: "",
    ...(policy.team ? { team: policy.team } : {}),
    mode: "full",
    ...(links.repository && context
      ? {
          repository: {
            uri: `${links.serverUrl.replace(/\/+$/, "")}/${links.repository.owner}/${links.repository.repo}`,
            revisionId: context.headSha,
          },
        }
      : {}),
    // As in every action: the merge base (where the change starts) and the change's head.
    ...(context?.mergeBaseSha ? { baseRef: context.mergeBaseSha } : {}),
    ...(context ? { headRef: context.headSha } : {}),
    srcRoot: pathToFileURL(root).href,
  });
  for (const reason of verdict.reasons) {
    const rule = RULES[reason.rule];
    builder.rule({
      id: reason.rule,
      shortDescription: rule.short,
      fullDescription: rule.full,
      severity: "medium",
    });
    const location = reason.location ?? { path: report.config.file, line: 1 };
    builder.result({
      ruleId: reason.rule,
      message: reason.message,
      path: location.path,
      startLine: location.line,
      identity: reason.identity,
      severity: SEVERITY[reason.verdict],
      category: "gate",
      properties: { verdict: reason.verdict, decision: verdict.decision },
    });
  }
  // Written by the kit's emitSarif: a pull request with more than 25,000 reasons keeps the most severe.
  return sarifLog([builder.build()]);
}
