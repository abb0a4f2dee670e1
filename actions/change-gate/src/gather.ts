import { type PullRequestContext, repositoryPath } from "@secflow/kit";
import { type BaseConfig, loadBaseConfig } from "./base-config.ts";
import { type ChangeRecord, changeUnderReview, eventChange } from "./change-under-review.ts";
import { committedFiles } from "./committed-files.ts";
import { type Enforcement, enforcementInputs } from "./enforcement.ts";
import { type GatePolicy, gatePolicy } from "./gate-policy.ts";
import type { Options } from "./options.ts";
import type { GatePaths } from "./paths.ts";
import { type PolicyDiffInput, readPolicyDiff } from "./policy-diff-file.ts";
import type { Problem, Reason } from "./reasons.ts";
import { expandSarifPatterns } from "./sarif-files.ts";
import { committedWhy, displayPath, readSarifInputs, type SarifInputs } from "./sarif-inputs.ts";
import { type SecflowWorkflowChange, secflowWorkflowChanges } from "./workflow-files.ts";

/** Everything the gate reads before it judges: the change, the base policy and the inputs. */
export interface Gathered {
  /** The options in force: enforcement inputs from the base commit's workflow where found. */
  options: Options;
  paths: GatePaths;
  enforcement: Enforcement;
  context?: PullRequestContext;
  change: { record: ChangeRecord; reasons: Reason[] };
  config: BaseConfig;
  policy: GatePolicy;
  sarif: SarifInputs;
  policyDiff?: PolicyDiffInput;
  /** Changed workflows that run secflow; unset when the change could not be read. */
  workflowChanges?: SecflowWorkflowChange[];
  problems: Problem[];
  /** Reasons to fail whatever the policy says: the change or the policy itself is unknown. */
  fatal: Reason[];
  notes: string[];
}

export async function gather(given: Options, givenPaths: GatePaths): Promise<Gathered> {
  const { env } = given;
  const { root, base: workspace } = givenPaths.workspace;
  const notes: string[] = [];

  // 1. The event's own commits, and the gate's own step on the event's base.
  const event = await eventChange(root, env);
  const enforcement = await enforcementInputs(given, {
    root,
    env,
    ...(event?.baseSha ? { eventBaseSha: event.baseSha } : {}),
    ...(event?.headSha ? { eventHeadSha: event.headSha } : {}),
    ...(event?.repository ? { repository: `${event.repository.owner}/${event.repository.repo}` } : {}),
  });
  const options = enforcement.options;
  const paths: GatePaths = { ...givenPaths };
  delete paths.config;
  if (options.config) paths.config = repositoryPath(givenPaths.workspace, options.config, "config");
  if (enforcement.note) notes.push(enforcement.note);
  for (const d of enforcement.differences) {
    const base = !enforcement.step
      ? "there is no gate step on the base commit"
      : d.base === null
        ? "the step on the base commit leaves it out"
        : `the step on the base commit sets ${JSON.stringify(d.base)}`;
    notes.push(
      `${d.input}: ${base}, this run was given ${d.given === null ? "none" : JSON.stringify(d.given)}; the gate used ${d.applied === null ? "the default" : JSON.stringify(d.applied)}.`,
    );
  }

  // 2. The change: in a pull-request event, always the event's base and head.
  const change = await changeUnderReview(
    root,
    env,
    { ...(options.base ? { base: options.base } : {}), ...(options.head ? { head: options.head } : {}) },
    event,
  );
  const { context } = change;
  const fatal = [...change.fatal];

  // 3. The policy, from the base commit.
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

  // 4. The inputs, bound to the change: not committed by it, and about its head (or the merge
  // commit the jobs checked out).
  const revisions = [context?.headSha, env.GITHUB_SHA].filter((r): r is string => Boolean(r));
  const expanded = await expandSarifPatterns(options.sarif, workspace);
  const files = [...expanded.files, ...(paths.policyDiff ? [paths.policyDiff] : [])];
  const committed = givenPaths.workspace.isGit
    ? await committedFiles(root, context?.headSha, files)
    : new Map<string, string>();
  const sarif = await readSarifInputs(expanded.files, { workspace, revisions, committed });
  notes.push(...sarif.notes);
  const diffCommitted = paths.policyDiff ? committed.get(paths.policyDiff) : undefined;
  const policyDiff = paths.policyDiff
    ? await readPolicyDiff(
        paths.policyDiff,
        displayPath(paths.policyDiff, workspace),
        revisions,
        diffCommitted ? committedWhy(diffCommitted) : undefined,
      )
    : undefined;
  if (policyDiff?.ignored) notes.push(`Ignored ${policyDiff.file}: ${policyDiff.ignored}`);
  if (options.sarif.length === 0 && !paths.policyDiff) {
    notes.push(
      "No SARIF or policy-diff file was given: the decision rests on the change's size, paths and labels alone.",
    );
  }
  const workflowChanges = context ? await secflowWorkflowChanges(root, context) : undefined;
  return {
    options,
    paths,
    enforcement,
    ...(context ? { context } : {}),
    change: { record: change.record, reasons: change.reasons },
    config,
    policy,
    sarif,
    ...(policyDiff ? { policyDiff } : {}),
    ...(workflowChanges ? { workflowChanges } : {}),
    problems: [...expanded.problems, ...sarif.problems, ...(policyDiff?.problems ?? [])],
    fatal,
    notes,
  };
}
