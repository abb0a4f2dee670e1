import type { Category, LabelEffect, SecflowConfig, Threshold, Waiver } from "@secflow/kit";
import { CATEGORIES, type OnMissing, type Options } from "./options.ts";

interface Thresholds {
  fail: Threshold;
  review: Threshold;
}

type ApproverSource = "gate.approvers" | "policy.security-owners" | "repository-access";

/** The gate policy in force: the base commit's `gate:` section with every default filled in. */
/**
 * Files that decide what the scanners look at, so a change to them is a policy change: a
 * `.gitattributes` line `linguist-vendored` or `linguist-generated` makes sast skip a file.
 */
const ALWAYS_SENSITIVE = ["**/.gitattributes"];

export interface GatePolicy {
  findings: { sast: Thresholds; sca: Thresholds };
  /**
   * A new finding the change suppresses in its source needs review from this severity: the
   * category's review threshold when the team set one, else medium. A suppression hides the
   * finding from every other view, so it is a decision a security reviewer sees.
   */
  suppressions: { sast: Threshold; sca: Threshold };
  /** Thresholds on the severity of privilege changes; never trips unless the team sets it. */
  policyChanges: Thresholds;
  escalations: "review" | "fail" | "pass";
  /**
   * The lowest severity at which an escalation gets the `escalations` decision. High by default:
   * a new read grant is an escalation too, and sending every one to a person is a change board.
   */
  escalationsFrom: Threshold;
  batch: { maxLines?: number; maxFiles?: number; action: "review" | "warn" };
  /** The team's globs plus the configuration file itself. */
  sensitivePaths: string[];
  documentation: { when: "risky" | "always" | "never"; sections: string[] };
  approvers: { users: string[]; teams: string[]; source: ApproverSource };
  requireApprovalOfHead: boolean;
  /** How many eligible approvals clear a review, and whether the author and the change's contributors may give one. */
  approval: { count: number; allowAuthor: boolean; allowContributors: boolean };
  labels: Record<string, { effect: LabelEffect; appliedBy?: string[] }>;
  onMissing: OnMissing;
  /** A run that says it did not check everything: like a missing one, unless the team accepts it (`on-unchecked: warn`). */
  onUnchecked: "fail" | "warn";
  expected: Category[];
  /** Where `expected` comes from: the base configuration's list, or the default (every category). */
  expectedSource: "gate.expected (base commit)" | "default: every category";
  waivers: Waiver[];
  /** Longest a waiver may run, in days from today (`waiver-max-days`). */
  waiverMaxDays: number;
  severityOverrides: SecflowConfig["severity-overrides"];
  team?: string;
}

const DEFAULT_MAX_LINES = 1000;
const DEFAULT_SUPPRESSION_REVIEW: Threshold = "medium";
const DEFAULT_WAIVER_MAX_DAYS = 90;
const DEFAULT_ESCALATIONS_FROM: Threshold = "high";

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
  // Fail closed: every category is expected unless the base configuration lists fewer.
  const configured = gate.expected;
  const suppressions = (category: "sast" | "sca"): Threshold =>
    gate.categories?.[category]?.review ?? gate["new-findings"]?.review ?? DEFAULT_SUPPRESSION_REVIEW;
  const onMissing = [options.onMissing, gate["on-missing"]].includes("fail")
    ? "fail"
    : (options.onMissing ?? gate["on-missing"] ?? "fail");
  return {
    findings: { sast: findings("sast"), sca: findings("sca") },
    suppressions: { sast: suppressions("sast"), sca: suppressions("sca") },
    policyChanges: {
      fail: gate.categories?.policy?.fail ?? "none",
      review: gate.categories?.policy?.review ?? "none",
    },
    escalations: gate.escalations ?? "review",
    escalationsFrom: gate["escalations-from"] ?? DEFAULT_ESCALATIONS_FROM,
    batch: {
      maxLines: gate.batch?.["max-lines"] ?? DEFAULT_MAX_LINES,
      ...(gate.batch?.["max-files"] ? { maxFiles: gate.batch["max-files"] } : {}),
      action: gate.batch?.action ?? "review",
    },
    sensitivePaths: [
      ...new Set([...(gate["sensitive-paths"] ?? []), options.configFile, ...ALWAYS_SENSITIVE]),
    ],
    documentation: {
      when: gate.documentation?.when ?? "risky",
      sections: gate.documentation?.sections ?? [],
    },
    approvers: approvers(config),
    requireApprovalOfHead: gate["require-approval-of-head"] ?? true,
    approval: {
      count: gate.approval?.count ?? 1,
      allowAuthor: gate.approval?.["allow-author"] ?? false,
      allowContributors: gate.approval?.["allow-contributors"] ?? false,
    },
    labels: Object.fromEntries(
      Object.entries(gate.labels ?? {}).map(([name, label]) => [
        name,
        { effect: label.effect, ...(label["applied-by"] ? { appliedBy: label["applied-by"] } : {}) },
      ]),
    ),
    onMissing,
    onUnchecked: config["on-unchecked"] ?? "fail",
    expected: CATEGORIES.filter(
      (c) => (configured ?? CATEGORIES).includes(c) || options.expected.includes(c),
    ),
    expectedSource: configured ? "gate.expected (base commit)" : "default: every category",
    waivers: config.waivers ?? [],
    waiverMaxDays: config["waiver-max-days"] ?? DEFAULT_WAIVER_MAX_DAYS,
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
