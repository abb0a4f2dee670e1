import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { checkPolicyDiff, type PolicyDiff } from "@secflow/contracts";
import type { Problem } from "./reasons.ts";
import { sameCommit } from "./revisions.ts";

export type { PolicyChange, PolicyDiff } from "@secflow/contracts";

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
  const [invalid] = checkPolicyDiff(value);
  if (invalid) return problem(invalid);
  const diff = value as PolicyDiff;
  if (revisions.length && !revisions.some((r) => sameCommit(r, diff.head))) {
    return problem(
      `describes head commit ${diff.head}, not the head of the change under review (${revisions.join(" or ")}): a stale artifact? Re-run policy-diff.`,
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
