// The `scope` input: whether the tools read every file, or only what the change touches.

import { InputError, UserError } from "@secflow/errors";
import { type BaselinePlan, PULL_REQUEST_EVENTS } from "@secflow/kit";

const SCOPES = ["auto", "changed", "full"] as const;
export type ScopeChoice = (typeof SCOPES)[number];

/** What ran: every file, or the files the change adds or modifies (and their earlier versions). */
export type Scope = { kind: "full"; why: string } | { kind: "changed"; mergeBaseSha: string; why: string };

/**
 * Events whose run judges one change. A push, a schedule or a dispatch uploads the branch's
 * analysis to code scanning, where a finding missing from a partial scan would read as fixed:
 * those scan every file.
 */
const CHANGE_EVENTS: ReadonlySet<string> = new Set([...PULL_REQUEST_EVENTS, "merge_group"]);

export function parseScope(value: string): ScopeChoice {
  const scope = SCOPES.find((s) => s === value.trim().toLowerCase());
  if (scope === undefined) {
    throw new InputError(`Input "scope" is ${JSON.stringify(value)}; write ${SCOPES.join(", ")}.`);
  }
  return scope;
}

/**
 * auto: changed when the run judges one change (a pull request or merge group event, or a local
 * run with a base to compare with), else full; changed: needs a base commit to compare with.
 */
export function resolveScope(choice: ScopeChoice, plan: BaselinePlan, env: NodeJS.ProcessEnv): Scope {
  if (choice === "full") return { kind: "full", why: "as set" };
  const change = plan.kind === "ref" || plan.kind === "changed-lines" ? plan.change : undefined;
  if (choice === "changed") {
    if (!change) {
      const why = plan.kind === "none" ? plan.why : "a baseline file does not say which commit it scanned";
      throw new UserError(
        `scope: changed needs a base commit to compare with, and there is none (${why}); give the base input, or set scope: full.`,
      );
    }
    return { kind: "changed", mergeBaseSha: change.mergeBaseSha, why: "scope: changed" };
  }
  if (!change) return { kind: "full", why: "nothing to compare with, so every file is scanned" };
  const event = env.GITHUB_EVENT_NAME || undefined;
  if (event === undefined || CHANGE_EVENTS.has(event)) {
    return {
      kind: "changed",
      mergeBaseSha: change.mergeBaseSha,
      why: event === undefined ? "a local run with a base" : `a ${event} run`,
    };
  }
  return {
    kind: "full",
    why: `a ${event} run scans every file, so the branch's analysis stays complete`,
  };
}
