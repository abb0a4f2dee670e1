// The `baseline` input, one meaning in every scanning action: how findings are marked new.

import { InputError, UserError } from "@secflow/errors";
import { type Change, resolveChange } from "./change.ts";
import type { InputReader } from "./inputs.ts";
import type { ActionIO } from "./io.ts";
import { inputPath, type Workspace } from "./workspace.ts";

/**
 * auto: `ref` when the change has a base commit, else none (said in the log); ref: scan or read
 * the merge base too and match findings; changed-lines: new when on a line the change added or
 * modified; none: every finding counts as new; anything else: a SARIF file of an earlier run.
 */
export const BASELINE_MODES = ["auto", "ref", "changed-lines", "none"] as const;
export type BaselineMode = (typeof BASELINE_MODES)[number];
export type BaselineChoice = { mode: BaselineMode } | { mode: "file"; file: string };

/** Reads `baseline`; `allowed` names the keywords this action supports (others are an InputError). */
export function readBaseline(
  read: InputReader,
  workspace: Pick<Workspace, "base">,
  allowed: readonly BaselineMode[] = BASELINE_MODES,
): BaselineChoice {
  const value = read.string("baseline", "auto");
  const keyword = BASELINE_MODES.find((m) => m === value.toLowerCase());
  if (keyword === undefined) return { mode: "file", file: inputPath(workspace, value) };
  if (!allowed.includes(keyword)) {
    throw new InputError(
      `Input "baseline": ${keyword} does not apply to this action; write ${[...allowed, "<an earlier SARIF file>"].join(", ")}.`,
    );
  }
  return { mode: keyword };
}

/** How findings are marked new, with the commits that takes. */
export type BaselinePlan =
  | { kind: "none"; why: string }
  | { kind: "file"; file: string }
  | { kind: "ref" | "changed-lines"; change: Change & { baseSha: string; mergeBaseSha: string } };

/**
 * Resolves `baseline` against the change under test (resolveChange: the event, or the base and
 * head inputs). `auto` without a base is a full scan, said in the log; `ref` and `changed-lines`
 * without one are a UserError. A base without a merge base in the clone is always an error.
 */
export async function planBaseline(
  choice: BaselineChoice,
  where: { workspace: Workspace; env: NodeJS.ProcessEnv; base?: string; head?: string },
  io: Pick<ActionIO, "info">,
): Promise<BaselinePlan> {
  if (choice.mode === "file") return { kind: "file", file: choice.file };
  if (choice.mode === "none") return { kind: "none", why: "baseline: none" };
  if (!where.workspace.isGit) {
    return refuse(choice.mode, `${where.workspace.scanRoot} is not in a git repository`, io);
  }
  // Scanners read the working tree: head is what is checked out (the merge commit, on a PR).
  const change = await resolveChange({
    cwd: where.workspace.root,
    env: where.env,
    checkout: true,
    ...(where.base !== undefined ? { base: where.base } : {}),
    ...(where.head !== undefined ? { head: where.head } : {}),
  });
  if (!change.baseSha || !change.mergeBaseSha) return refuse(choice.mode, change.why ?? "no base commit", io);
  const kind = choice.mode === "changed-lines" ? "changed-lines" : "ref";
  return { kind, change: change as Change & { baseSha: string; mergeBaseSha: string } };
}

function refuse(mode: BaselineMode, why: string, io: Pick<ActionIO, "info">): BaselinePlan {
  if (mode !== "auto") throw new UserError(`baseline ${mode}: ${why}.`);
  io.info(`A full scan, every finding counts as new: ${why}.`);
  return { kind: "none", why };
}
