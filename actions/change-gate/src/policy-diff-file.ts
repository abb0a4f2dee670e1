import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { ErrorObject } from "ajv";
import validatePolicyDiff from "./generated/policy-diff.validator.js";
import type { Problem } from "./reasons.ts";
import { sameCommit } from "./revisions.ts";

// The shape actions/policy-diff writes (its `PolicyDiff` type). The gate does not import that
// action: it checks the file against its own schema and trusts nothing else.
export interface PolicyChange {
  kind: "added" | "widened" | "narrowed" | "removed";
  class: "escalation" | "widening" | "neutral" | "reduction";
  severity: "critical" | "high" | "medium" | "low" | "info";
  source: "enrolment" | "workflow" | "kubernetes" | "iam" | "codeowners" | "secflow-config";
  subject: string;
  permission: string;
  resource: string;
  effect: "allow" | "deny";
  file: string;
  line: number;
  side: "head" | "base";
  before?: string;
  after?: string;
  ruleId: string;
  sensitive: boolean;
}

export interface PolicyDiff {
  version: 1;
  base: string;
  head: string;
  changes: PolicyChange[];
  unreadable: { file: string; ref: "base" | "head"; reason: string }[];
  counts: { escalations: number; widenings: number; neutral: number; reductions: number };
}

export interface PolicyDiffInput {
  file: string;
  sha256?: string;
  bytes?: number;
  /** Set when the file is well formed, consistent and about this head commit. */
  diff?: PolicyDiff;
  problems: Problem[];
}

/**
 * Reads the policy-diff file. Anything unexpected (not JSON, another version, unknown fields,
 * counts that disagree with the changes, another head commit, policy files policy-diff could not
 * read) is a problem: a diff the gate cannot fully trust must not let a change pass.
 */
export async function readPolicyDiff(
  file: string,
  shown: string,
  revisions: readonly string[],
): Promise<PolicyDiffInput> {
  const input: PolicyDiffInput = { file: shown, problems: [] };
  const problem = (message: string, rule: Problem["rule"] = "gate/invalid-input") => {
    input.problems.push({ rule, message: `${shown}: ${message}` });
    return input;
  };
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT"
      ? problem(
          "the policy-diff file does not exist (did the policy-diff job run and upload it?)",
          "gate/missing-input",
        )
      : problem(`cannot read the policy-diff file (${code})`);
  }
  input.sha256 = createHash("sha256").update(bytes).digest("hex");
  input.bytes = bytes.length;
  const text = bytes.toString("utf8");
  if (text.trim() === "")
    return problem("the file is empty; expected the JSON that policy-diff writes at diff-output");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return problem(`not valid JSON, perhaps truncated (${(error as Error).message})`);
  }
  // Precompiled from schema/policy-diff.schema.json (scripts/compile-schema.mjs).
  if (!validatePolicyDiff(value)) {
    return problem(`not a policy-diff file of version 1:\n${describe(validatePolicyDiff.errors ?? [])}`);
  }
  const diff = value as PolicyDiff;
  const counted = {
    escalations: diff.changes.filter((c) => c.class === "escalation").length,
    widenings: diff.changes.filter((c) => c.class === "widening").length,
    neutral: diff.changes.filter((c) => c.class === "neutral").length,
    reductions: diff.changes.filter((c) => c.class === "reduction").length,
  };
  if (JSON.stringify(counted) !== JSON.stringify(diff.counts)) {
    return problem(
      `its counts ${JSON.stringify(diff.counts)} disagree with its changes ${JSON.stringify(counted)}; the file is incomplete or was edited`,
    );
  }
  if (revisions.length && !revisions.some((r) => sameCommit(r, diff.head))) {
    return problem(
      `describes head commit ${diff.head}, not this pull request's head (${revisions.join(" or ")}): a stale artifact? Re-run policy-diff.`,
    );
  }
  // The changes it did read still count; what it could not read is a problem of its own.
  input.diff = diff;
  for (const unreadable of diff.unreadable) {
    problem(
      `policy-diff could not read ${unreadable.file} at the ${unreadable.ref} commit (${unreadable.reason}), so its privileges are unknown`,
    );
  }
  return input;
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((e) => {
      const extra = e.keyword === "additionalProperties" ? ` "${String(e.params.additionalProperty)}"` : "";
      return `${e.instancePath || "/"}: ${e.message ?? e.keyword}${extra}`;
    })
    .join("\n");
}
