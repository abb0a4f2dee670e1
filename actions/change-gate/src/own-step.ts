import path from "node:path";
import { isUserError } from "@secflow/errors";
import { parseYaml, readFileAtRef, yamlToJs } from "@secflow/kit";

/** Where the running workflow is defined, from GITHUB_WORKFLOW_REF. */
export interface WorkflowLocation {
  /** owner/repo of the repository the workflow file lives in. */
  repository: string;
  /** The workflow file, repository-relative. */
  file: string;
  ref: string;
}

/** A step that uses actions/change-gate, as written in a workflow file. */
export interface GateStep {
  /** The workflow file it is in (a called reusable workflow, when it is there). */
  file: string;
  job: string;
  /** Position in the job's steps, from 0. */
  index: number;
  id?: string;
  uses: string;
  /** `with:` as written: expressions are not evaluated. */
  with: Record<string, string>;
}

export interface StepLookup {
  step?: GateStep;
  /** Why no step was found. */
  why?: string;
}

/** `owner/repo/.github/workflows/x.yml@refs/pull/1/merge`, as the runner sets it. */
export function parseWorkflowRef(value: string | undefined): WorkflowLocation | undefined {
  const match = /^([^/]+\/[^/]+)\/(.+?\.ya?ml)@(.+)$/.exec(value ?? "");
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { repository: match[1], file: match[2], ref: match[3] };
}

// `<owner>/secflow/actions/change-gate@<ref>`, a fork's `…/actions/change-gate@…`, or
// `./actions/change-gate` in secflow's own repository.
const GATE_ACTION = /(?:^|\/)actions\/change-gate(?:@|$)/;
const LOCAL_REUSABLE = /^\.\/\.github\/workflows\/[^@]+\.ya?ml$/;

/**
 * Finds the gate's own step in `file` at `commit`: the steps that use actions/change-gate,
 * in the file and in local reusable workflows its jobs call, narrowed to the running job
 * (GITHUB_JOB) and step id (GITHUB_ACTION) when there is more than one.
 */
export async function findOwnStep(
  root: string,
  commit: string,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<StepLookup> {
  const text = await readFileAtRef(root, commit, file);
  if (text === undefined) return { why: "the file does not exist there" };
  let candidates: GateStep[];
  try {
    const workflow = parseWorkflow(text, `${file} at commit ${commit.slice(0, 12)}`);
    candidates = gateSteps(workflow, file);
    for (const called of localCalls(workflow)) {
      const calledText = await readFileAtRef(root, commit, called);
      if (calledText !== undefined)
        candidates.push(
          ...gateSteps(parseWorkflow(calledText, `${called} at commit ${commit.slice(0, 12)}`), called),
        );
    }
  } catch (error) {
    if (!isUserError(error)) throw error;
    return { why: error.message };
  }
  const inJob = candidates.filter((c) => c.job === env.GITHUB_JOB);
  const narrowed = inJob.length ? inJob : candidates;
  const byId = narrowed.filter((c) => c.id !== undefined && c.id === env.GITHUB_ACTION);
  const found = byId.length === 1 ? byId : narrowed;
  if (found.length === 1) return { step: found[0] as GateStep };
  return {
    why:
      found.length === 0
        ? "no job in it has such a step"
        : `${found.length} steps use it, and GITHUB_JOB and GITHUB_ACTION do not tell which runs (give the gate's step an id)`,
  };
}

type Workflow = { jobs?: Record<string, { steps?: unknown; uses?: unknown } | null> } | null;

function parseWorkflow(text: string, shown: string): Workflow {
  const { doc } = parseYaml(text, shown);
  const value = yamlToJs(doc, shown);
  return typeof value === "object" ? (value as Workflow) : null;
}

function gateSteps(workflow: Workflow, file: string): GateStep[] {
  const found: GateStep[] = [];
  for (const [job, definition] of Object.entries(workflow?.jobs ?? {})) {
    const steps = Array.isArray(definition?.steps) ? definition.steps : [];
    steps.forEach((step: unknown, index: number) => {
      if (typeof step !== "object" || step === null) return;
      const { uses, id, with: given } = step as { uses?: unknown; id?: unknown; with?: unknown };
      if (typeof uses !== "string" || !GATE_ACTION.test(uses.trim())) return;
      found.push({
        file,
        job,
        index,
        ...(typeof id === "string" ? { id } : {}),
        uses: uses.trim(),
        with: withValues(given),
      });
    });
  }
  return found;
}

/** `with:` values as the runner passes them: strings (numbers and booleans as written). */
function withValues(given: unknown): Record<string, string> {
  if (typeof given !== "object" || given === null) return {};
  return Object.fromEntries(
    Object.entries(given)
      .filter(([, value]) => ["string", "number", "boolean"].includes(typeof value))
      .map(([key, value]) => [key, String(value)]),
  );
}

/** Local reusable workflows the jobs call (`uses: ./.github/workflows/x.yml`), repository-relative. */
function localCalls(workflow: Workflow): string[] {
  return Object.values(workflow?.jobs ?? {}).flatMap((job) =>
    typeof job?.uses === "string" && LOCAL_REUSABLE.test(job.uses.trim())
      ? [path.posix.normalize(job.uses.trim())]
      : [],
  );
}
