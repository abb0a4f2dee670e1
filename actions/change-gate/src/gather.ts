import { isUserError } from "@secflow/errors";
import { type PullRequestContext, pullRequestContext } from "@secflow/kit";
import { type BaseConfig, loadBaseConfig } from "./base-config.ts";
import { type GatePolicy, gatePolicy } from "./gate-policy.ts";
import type { Options } from "./options.ts";
import type { GatePaths } from "./paths.ts";
import { type PolicyDiffInput, readPolicyDiff } from "./policy-diff-file.ts";
import type { Problem, Reason } from "./reasons.ts";
import { expandSarifPatterns } from "./sarif-files.ts";
import { displayPath, readSarifInputs, type SarifInputs } from "./sarif-inputs.ts";

/** Everything the gate reads before it judges: the change, the base policy and the inputs. */
export interface Gathered {
  context?: PullRequestContext;
  config: BaseConfig;
  policy: GatePolicy;
  sarif: SarifInputs;
  policyDiff?: PolicyDiffInput;
  problems: Problem[];
  /** Reasons to fail whatever the policy says: the change or the policy itself is unknown. */
  fatal: Reason[];
  notes: string[];
}

export async function gather(options: Options, paths: GatePaths): Promise<Gathered> {
  const { env } = options;
  const { root, base: workspace } = paths.workspace;
  const fatal: Reason[] = [];
  const notes: string[] = [];
  let context: PullRequestContext | undefined;
  try {
    // The kit's resolver: base/head inputs, pull_request*, merge_group, push, a local main branch.
    context = await pullRequestContext({
      cwd: root,
      env,
      ...(options.base ? { base: options.base } : {}),
      ...(options.head ? { head: options.head } : {}),
    });
  } catch (error) {
    // Commits missing from the clone (the kit's MissingMergeBaseError, an unknown ref): fail closed.
    if (!isUserError(error)) throw error;
    const message = `The change cannot be read: ${error.message}`;
    fatal.push({ rule: "gate/invalid-input", verdict: "fail", message, identity: "context" });
  }
  const config = await loadBaseConfig(root, paths.config, {
    ...(context?.baseSha ? { sha: context.baseSha } : {}),
    ...(context?.why ? { why: context.why } : {}),
  });
  if (config.error && context) {
    const message = `The gate policy cannot be read, so the gate fails: ${config.error}`;
    fatal.push({ rule: "gate/config-error", verdict: "fail", message, identity: "config" });
  }
  if (!config.source.found && !config.error)
    notes.push(`No ${config.source.file} on the base commit: the default gate policy applies.`);
  const policy = gatePolicy(config.config, { ...options, configFile: config.source.file });

  // The runs must describe this change: its head, or the merge commit the jobs checked out.
  const revisions = [context?.headSha, env.GITHUB_SHA].filter((r): r is string => Boolean(r));
  const expanded = await expandSarifPatterns(options.sarif, workspace);
  const sarif = await readSarifInputs(expanded.files, { workspace, revisions });
  notes.push(...sarif.notes);
  const policyDiff = paths.policyDiff
    ? await readPolicyDiff(paths.policyDiff, displayPath(paths.policyDiff, workspace), revisions)
    : undefined;
  if (options.sarif.length === 0 && !paths.policyDiff) {
    notes.push(
      "No SARIF or policy-diff file was given: the decision rests on the change's size, paths and labels alone.",
    );
  }
  return {
    ...(context ? { context } : {}),
    config,
    policy,
    sarif,
    ...(policyDiff ? { policyDiff } : {}),
    problems: [...expanded.problems, ...sarif.problems, ...(policyDiff?.problems ?? [])],
    fatal,
    notes,
  };
}
