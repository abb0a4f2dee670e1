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
  /** Why it is not bound to the change (committed, or about another head): then the policy category is missing. */
  ignored?: string;
  problems: Problem[];
}

/**
 * Reads the policy-diff file. Anything unexpected (not JSON, another version, unknown fields,
 * counts that disagree with the changes, policy files policy-diff could not read) is a problem:
 * a diff the gate cannot fully trust must not let a change pass. A file the repository tracks
 * (`committed`, see committed-files.ts) or one about another head commit is not bound to the
 * change: it is ignored, with the reason, and the policy category counts as missing.
 */
export async function readPolicyDiff(
  file: string,
  shown: string,
  revisions: readonly string[],
  committed?: string,
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
  if (committed) {
    input.ignored = committed;
    return input;
  }
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
  if (!revisions.some((r) => sameCommit(r, diff.head))) {
    input.ignored = revisions.length
      ? `describes head commit ${diff.head}, not the head of the change under review (${revisions.join(" or ")}): a stale artifact? Re-run policy-diff.`
      : "the change's head is unknown, so the file cannot be bound to it";
    return input;
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
