// The package is a webpack bundle: Node's ESM loader finds no named exports in it, so take them
// from the CommonJS module object (which bundlers and vitest hand over as the default export).

import { UserError } from "@secflow/errors";
import cvssCalculator from "ae-cvss-calculator";

const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssCalculator;

/** GitHub's severity ladder, shared by every secflow action. Ordered from most to least severe. */
export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];
export type Level = "error" | "warning" | "note";

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** A representative `security-severity` for a ladder step, for tools that give only a label. */
const REPRESENTATIVE_SCORE: Record<Severity, number> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  low: 2.0,
  info: 0.0,
};

export function isSeverity(value: unknown): value is Severity {
  return typeof value === "string" && (SEVERITIES as readonly string[]).includes(value);
}

/** Parses a severity written by a user (config, input); `what` names the setting in the error. */
export function parseSeverity(value: string, what: string): Severity {
  const normalized = value.trim().toLowerCase();
  if (isSeverity(normalized)) return normalized;
  throw new UserError(`${what}: "${value}" is not a severity; use one of ${SEVERITIES.join(", ")}`);
}

/** A threshold is a severity or "none" (never trips). */
export type Threshold = Severity | "none";

export function parseThreshold(value: string, what: string): Threshold {
  return value.trim().toLowerCase() === "none" ? "none" : parseSeverity(value, what);
}

export function compareSeverity(a: Severity, b: Severity): number {
  return RANK[a] - RANK[b];
}

export function atLeast(severity: Severity, threshold: Threshold): boolean {
  return threshold !== "none" && RANK[severity] >= RANK[threshold];
}

export function maxSeverity(severities: Iterable<Severity>): Severity | undefined {
  let max: Severity | undefined;
  for (const s of severities) if (max === undefined || RANK[s] > RANK[max]) max = s;
  return max;
}

/** GitHub's buckets: critical >= 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9, info 0. */
export function severityFromScore(score: number): Severity {
  if (!Number.isFinite(score) || score < 0 || score > 10) {
    throw new UserError(`security severity ${score} is outside 0.0–10.0`);
  }
  if (score >= 9.0) return "critical";
  if (score >= 7.0) return "high";
  if (score >= 4.0) return "medium";
  if (score > 0) return "low";
  return "info";
}

export function scoreForSeverity(severity: Severity): number {
  return REPRESENTATIVE_SCORE[severity];
}

/** `security-severity` as GitHub wants it: a numeric string with one decimal. */
export function securitySeverityString(score: number): string {
  return score.toFixed(1);
}

export function levelForSeverity(severity: Severity): Level {
  if (severity === "critical" || severity === "high") return "error";
  return severity === "medium" ? "warning" : "note";
}

/** Base score and severity of a CVSS v2, v3.0, v3.1 or v4.0 vector. */
export function severityFromCvss(vector: string): { score: number; severity: Severity } {
  const score = cvssBaseScore(vector.trim());
  return { score, severity: severityFromScore(score) };
}

function cvssBaseScore(vector: string): number {
  try {
    const scores = vector.startsWith("CVSS:4.0/")
      ? new Cvss4P0(vector).calculateScores()
      : vector.startsWith("CVSS:3.1/")
        ? new Cvss3P1(vector).calculateScores()
        : vector.startsWith("CVSS:3.0/")
          ? new Cvss3P0(vector).calculateScores()
          : new Cvss2(vector).calculateScores();
    const score = Number(scores.base);
    if (Number.isFinite(score)) return score;
  } catch {
    // Fall through to the error below: the library throws untyped errors on garbage.
  }
  throw new UserError(`"${vector}" is not a valid CVSS vector (v2, v3.0, v3.1 or v4.0)`);
}

const LABELS: Record<string, Severity> = {
  critical: "critical",
  high: "high",
  error: "high",
  moderate: "medium",
  medium: "medium",
  warning: "medium",
  low: "low",
  note: "low",
  info: "info",
  informational: "info",
  negligible: "info",
  none: "info",
};

/**
 * Maps a tool's own label (GHSA "MODERATE", Semgrep "WARNING", SARIF level "note", …) to the ladder.
 * Returns undefined for labels no tool we know uses, so callers can say so instead of guessing.
 */
export function severityFromLabel(label: string): Severity | undefined {
  return LABELS[label.trim().toLowerCase()];
}
