import path from "node:path";
import { isUserError } from "@secflow/errors";
import { type ChangedFile, parseYaml, readFileAtRef, yamlToJs } from "@secflow/kit";

/** A changed workflow (or action definition) that runs secflow before or after the change. */
export interface SecflowWorkflowChange {
  path: string;
  previousPath?: string;
  status: ChangedFile["status"];
}

const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
// Composite actions and local action definitions can wrap the gate's step too.
const ACTION_DEFINITION = /(^|\/)action\.ya?ml$/;

// What runs secflow: an action `uses: <owner>/secflow/actions/<name>@…` (a fork's
// `…/actions/change-gate@…`, secflow's own `./actions/<name>`), a reusable workflow named
// secflow (`uses: <org>/<repo>/.github/workflows/secflow.yml@…`), or the `secflow` command in a
// `run:` script (`npx secflow sca`, `@secflow/cli`).
const SECFLOW_USES = [
  /secflow\/actions\//i,
  /(^|\/)actions\/(sast|sca|policy-diff|change-gate|flow-report)(@|$)/,
  /\/\.github\/workflows\/[^/@]*secflow[^/@]*\.ya?ml@/i,
];
const SECFLOW_RUN = [
  /(^|[\s;&|(`$])secflow\s+(sast|sca|policy-diff|gate|merge|baseline|validate|report)\b/m,
  /@secflow\/cli\b/,
];

/** Whether a workflow or action definition runs secflow; an unreadable one is judged by its text. */
export function runsSecflow(text: string): boolean {
  let value: unknown;
  try {
    value = yamlToJs(parseYaml(text, "workflow").doc, "workflow");
  } catch (error) {
    if (!isUserError(error)) throw error;
    // Broken YAML cannot be read the way the runner reads it: any mention counts.
    return [...SECFLOW_USES, ...SECFLOW_RUN].some((pattern) => pattern.test(text));
  }
  const { uses, runs } = commands(value);
  return (
    uses.some((u) => SECFLOW_USES.some((pattern) => pattern.test(u.trim()))) ||
    runs.some((r) => SECFLOW_RUN.some((pattern) => pattern.test(r)))
  );
}

/** Every `uses:` and `run:` value in the document, wherever it is (jobs, steps, composite runs). */
function commands(value: unknown): { uses: string[]; runs: string[] } {
  const found = { uses: [] as string[], runs: [] as string[] };
  const stack = [value];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === "uses" && typeof child === "string") found.uses.push(child);
      else if (key === "run" && typeof child === "string") found.runs.push(child);
      else stack.push(child);
    }
  }
  return found;
}

/**
 * The changed workflow files (and action definitions) that run secflow at the merge base or at
 * the head: editing, adding or deleting one changes the checks that judge pull requests.
 */
export async function secflowWorkflowChanges(
  root: string,
  change: { mergeBaseSha?: string; headSha: string; changedFiles: readonly ChangedFile[] },
): Promise<SecflowWorkflowChange[]> {
  const found: SecflowWorkflowChange[] = [];
  for (const file of change.changedFiles) {
    const names = [file.path, ...(file.previousPath ? [file.previousPath] : [])];
    if (!names.some((n) => WORKFLOW.test(n) || ACTION_DEFINITION.test(path.posix.normalize(n)))) continue;
    const after =
      file.status === "deleted" ? undefined : await readFileAtRef(root, change.headSha, file.path);
    const before =
      file.status === "added" || !change.mergeBaseSha
        ? undefined
        : await readFileAtRef(root, change.mergeBaseSha, file.previousPath ?? file.path);
    if ([after, before].some((text) => text !== undefined && runsSecflow(text))) {
      found.push({
        path: file.path,
        ...(file.previousPath ? { previousPath: file.previousPath } : {}),
        status: file.status,
      });
    }
  }
  return found;
}
