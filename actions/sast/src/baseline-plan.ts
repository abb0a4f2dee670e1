import { UserError } from "@secflow/errors";
import { type ActionIO, mergeBase, pullRequestContext, resolveCommit, revParse } from "@secflow/kit";
import type { BaselineChoice } from "./options.ts";
import type { Checkout } from "./repository.ts";

/** How findings are marked new, with the commits that takes. */
export type BaselinePlan =
  | { kind: "none"; why: string }
  | { kind: "file"; file: string }
  | {
      kind: "changed-lines" | "ref";
      /** The base as given or from the pull request. */
      baseSha: string;
      /** Where head branched from base: what the change is compared with. */
      mergeBaseSha: string;
      headSha: string;
    };

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);
const FETCH_HINT = "fetch it first; with actions/checkout set fetch-depth: 0";

/**
 * Resolves the baseline input: `auto` is `ref` when a base commit is known (the `base` input,
 * or the pull request's base) and present in the clone, else no baseline, saying why.
 * `changed-lines` and `ref` without a usable base are a UserError.
 */
export async function planBaseline(
  choice: BaselineChoice,
  checkout: Checkout,
  base: string | undefined,
  env: NodeJS.ProcessEnv,
  io: ActionIO,
): Promise<BaselinePlan> {
  if (choice.mode === "file") return { kind: "file", file: choice.file };
  if (choice.mode === "none") return { kind: "none", why: "baseline: none" };
  const explicit = choice.mode !== "auto";
  const refuse = (why: string): BaselinePlan => {
    if (explicit) throw new UserError(`baseline ${choice.mode}: ${why}.`);
    return { kind: "none", why };
  };
  if (!checkout.isGit || !checkout.headSha)
    return refuse(`${checkout.scanRoot} is not in a git repository with a commit`);
  const headSha = checkout.headSha;

  let baseSha: string | undefined;
  if (base !== undefined) {
    baseSha = await revParse(checkout.repoRoot, base);
  } else if (PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? "") && env.GITHUB_EVENT_PATH) {
    baseSha = (await pullRequestContext({ cwd: checkout.repoRoot, env })).baseSha;
  }
  if (baseSha === undefined) {
    return refuse('no base commit is known (not a pull request, and no "base" input)');
  }
  if (!(await resolveCommit(checkout.repoRoot, baseSha))) {
    const why = `the base commit ${baseSha.slice(0, 12)} is not in the clone (${FETCH_HINT})`;
    if (!explicit) io.warning(`Findings are not marked new: ${why}.`);
    return refuse(why);
  }
  const mergeBaseSha = await mergeBase(checkout.repoRoot, baseSha, headSha);
  return { kind: choice.mode === "changed-lines" ? "changed-lines" : "ref", baseSha, mergeBaseSha, headSha };
}
