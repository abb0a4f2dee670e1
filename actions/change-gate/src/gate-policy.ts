import type { Category, LabelEffect, SecflowConfig, Threshold, Waiver } from "@secflow/kit";
import type { OnMissing, Options } from "./options.ts";

interface Thresholds {
  fail: Threshold;
  review: Threshold;
}

type ApproverSource = "gate.approvers" | "policy.security-owners" | "repository-access";

/** The gate policy in force: the base commit's `gate:` section with every default filled in. */
export interface GatePolicy {
  findings: { sast: Thresholds; sca: Thresholds };
  /** Thresholds on the severity of privilege changes; never trips unless the team sets it. */
  policyChanges: Thresholds;
  escalations: "review" | "fail" | "pass";
  batch: { maxLines?: number; maxFiles?: number; action: "review" | "warn" };
  /** The team's globs plus the configuration file itself. */
  sensitivePaths: string[];
  documentation: { when: "risky" | "always" | "never"; sections: string[] };
  approvers: { users: string[]; teams: string[]; source: ApproverSource };
  requireApprovalOfHead: boolean;
  labels: Record<string, { effect: LabelEffect; appliedBy?: string[] }>;
  onMissing: OnMissing;
  expected: Category[];
  waivers: Waiver[];
  severityOverrides: SecflowConfig["severity-overrides"];
  team?: string;
}

const DEFAULT_MAX_LINES = 1000;

/**
 * Fills in defaults. Where an input and the base configuration both speak, the stricter wins:
 * the workflow runs from the pull request's own commit, so it may tighten the gate, never relax it.
 */
export function gatePolicy(
  config: SecflowConfig,
  options: Pick<Options, "expected" | "onMissing"> & {
    /** Where the configuration lives in the repository: always a sensitive path. */
    configFile: string;
  },
): GatePolicy {
  const gate = config.gate ?? {};
  const findings = (category: "sast" | "sca"): Thresholds => ({
    fail: gate.categories?.[category]?.fail ?? gate["new-findings"]?.fail ?? "high",
    review: gate.categories?.[category]?.review ?? gate["new-findings"]?.review ?? "none",
  });
  const onMissing = [options.onMissing, gate["on-missing"]].includes("fail")
    ? "fail"
    : (options.onMissing ?? gate["on-missing"] ?? "fail");
  return {
    findings: { sast: findings("sast"), sca: findings("sca") },
    policyChanges: {
      fail: gate.categories?.policy?.fail ?? "none",
      review: gate.categories?.policy?.review ?? "none",
    },
    escalations: gate.escalations ?? "review",
    batch: {
      maxLines: gate.batch?.["max-lines"] ?? DEFAULT_MAX_LINES,
      ...(gate.batch?.["max-files"] ? { maxFiles: gate.batch["max-files"] } : {}),
      action: gate.batch?.action ?? "review",
    },
    sensitivePaths: [...new Set([...(gate["sensitive-paths"] ?? []), options.configFile])],
    documentation: {
      when: gate.documentation?.when ?? "risky",
      sections: gate.documentation?.sections ?? [],
    },
    approvers: approvers(config),
    requireApprovalOfHead: gate["require-approval-of-head"] ?? true,
    labels: Object.fromEntries(
      Object.entries(gate.labels ?? {}).map(([name, label]) => [
        name,
        { effect: label.effect, ...(label["applied-by"] ? { appliedBy: label["applied-by"] } : {}) },
      ]),
    ),
    onMissing,
    expected: [...new Set([...(gate.expected ?? []), ...options.expected])],
    waivers: config.waivers ?? [],
    severityOverrides: config["severity-overrides"],
    ...(config.team ? { team: config.team } : {}),
  };
}

/** gate.approvers; else the policy's security owners; else anyone with write access to the repository. */
function approvers(config: SecflowConfig): GatePolicy["approvers"] {
  const configured = config.gate?.approvers;
  if (configured?.users?.length || configured?.teams?.length) {
    return { users: configured.users ?? [], teams: configured.teams ?? [], source: "gate.approvers" };
  }
  const owners = (config.policy?.["security-owners"] ?? []).map((owner) => owner.replace(/^@/, ""));
  if (owners.length) {
    return {
      users: owners.filter((o) => !o.includes("/")),
      teams: owners.filter((o) => o.includes("/")),
      source: "policy.security-owners",
    };
  }
  return { users: [], teams: [], source: "repository-access" };
}
