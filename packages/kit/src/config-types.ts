// The shape of .github/secflow.yml; kept in step with schema/secflow-config.schema.json
// (config.test.ts checks that a value using every key of this type covers every schema key).

import type { Severity, Threshold } from "@secflow/sarif";

// The ladder is @secflow/sarif's; re-exported so a config's types come from one place.
export type { Severity, Threshold };
export type Category = "sast" | "sca" | "policy";
export type SastTool = "eslint" | "bandit" | "flawfinder" | "semgrep";

/** An accepted finding; one of rule, fingerprint or advisory is required. */
export interface Waiver {
  rule?: string;
  fingerprint?: string;
  advisory?: string;
  /** Glob narrowing the waiver to some paths. */
  path?: string;
  reason: string;
  approver: string;
  /** Last day it applies, YYYY-MM-DD (UTC). */
  expires: string;
}

export type SastFileClass = "vendored" | "generated" | "minified" | "tests" | "untracked";

export interface SastConfig {
  tools?: SastTool[];
  include?: SastFileClass[];
  "rules-off"?: string[];
  "ignore-paths"?: string[];
  args?: Partial<Record<SastTool, string[]>>;
  "fail-on"?: Threshold;
}

export interface ScaIgnore {
  advisory: string;
  package?: string;
  reason: string;
  expires: string;
}

export interface ScaConfig {
  "fail-on"?: Threshold;
  "dev-dependencies"?: "include" | "exclude";
  licenses?: { allow?: string[]; deny?: string[] };
  ignores?: ScaIgnore[];
}

export interface PolicyConfig {
  include?: {
    enrolment?: string[];
    workflows?: string[];
    kubernetes?: string[];
    iam?: string[];
    codeowners?: string[];
  };
  "sensitive-resources"?: string[];
  "sensitive-secrets"?: string[];
  "security-owners"?: string[];
  "fail-on"?: Threshold;
  workflows?: { "default-permissions"?: "restricted" | "permissive" };
}

export interface GateThresholds {
  fail?: Threshold;
  review?: Threshold;
}

export type LabelEffect = "skip-review" | "require-review" | "allow-large-batch" | "skip-documentation";

export interface GateConfig {
  "new-findings"?: GateThresholds;
  categories?: Partial<Record<Category, GateThresholds>>;
  escalations?: "review" | "fail" | "pass";
  "escalations-from"?: Threshold;
  batch?: { "max-lines"?: number; "max-files"?: number; action?: "review" | "warn" };
  "sensitive-paths"?: string[];
  documentation?: { when?: "risky" | "always" | "never"; sections?: string[] };
  approvers?: { users?: string[]; teams?: string[] };
  "require-approval-of-head"?: boolean;
  approval?: { count?: number; "allow-author"?: boolean; "allow-contributors"?: boolean };
  labels?: Record<string, { effect: LabelEffect; "applied-by"?: string[] }>;
  "on-missing"?: "fail" | "review";
  expected?: Category[];
}

export interface SecflowConfig {
  version?: 1;
  team?: string;
  "severity-overrides"?: Record<string, Severity>;
  "ignore-paths"?: string[];
  "on-unchecked"?: "fail" | "warn";
  "waiver-max-days"?: number;
  waivers?: Waiver[];
  sast?: SastConfig;
  sca?: ScaConfig;
  policy?: PolicyConfig;
  gate?: GateConfig;
}
