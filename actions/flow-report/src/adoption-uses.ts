// Which secflow actions a workflow file runs, and at which version: the `uses:` of its steps,
// read from the YAML (bounded by the kit's parseYaml), with the version comment of a pinned SHA.
import { posix } from "node:path";
import { InputError, UserError } from "@secflow/errors";
import { parseYaml } from "@secflow/kit";
import semver from "semver";
import { isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from "yaml";

/** The actions this monorepo releases (release-please-config.json components). */
export const SECFLOW_ACTIONS = ["sast", "sca", "policy-diff", "change-gate", "flow-report"] as const;
export type SecflowAction = (typeof SECFLOW_ACTIONS)[number];

/** The repository the actions are released from: `uses: <owner>/<repo>/actions/<name>@<ref>`. */
export interface Upstream {
  owner: string;
  repo: string;
}

export const DEFAULT_UPSTREAM = "acme/secflow";

export function parseUpstream(text: string): Upstream {
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(text.trim());
  if (!m) throw new InputError(`upstream: "${text}" is not owner/name (write acme/secflow)`);
  return { owner: m[1] as string, repo: m[2] as string };
}

/** One step's `uses:`, where it is, and the comment after it (a pinned SHA's version). */
export interface StepUse {
  uses: string;
  line: number;
  comment: string | undefined;
}

/**
 * Every step `uses:` of a workflow file. A file that is not YAML, too large or deep, or not a
 * workflow (no `jobs` mapping) is a UserError naming it.
 */
export function stepUses(text: string, file: string): StepUse[] {
  return workflowUses(text, file).steps;
}

/**
 * Every step `uses:` of a workflow file, and every job-level `uses:` (a job that calls a reusable
 * workflow, and has no steps).
 */
function workflowUses(
  text: string,
  file: string,
): { steps: StepUse[]; jobs: StepUse[]; calledOnly: boolean } {
  const { doc, lines } = parseYaml(text, file);
  const jobs = isMap(doc.contents) ? doc.contents.get("jobs", true) : undefined;
  if (!isMap(jobs)) throw new UserError(`${file}: not a workflow: it has no jobs mapping`);
  const on = isMap(doc.contents) ? doc.contents.get("on", true) : undefined;
  const found = { steps: [] as StepUse[], jobs: [] as StepUse[], calledOnly: triggeredOnlyByCalls(on) };
  for (const job of jobs.items) {
    if (!isMap(job.value)) continue;
    const call = usesOf(job.value, text, lines);
    if (call) found.jobs.push(call);
    found.steps.push(...stepsOf(job.value.get("steps", true), text, lines));
  }
  return found;
}

/**
 * The step `uses:` of an action file (action.yml) whose `runs.using` is `composite`; none for a
 * JavaScript or Docker action. A file that is not YAML, or has no `runs` mapping, is a UserError.
 */
function compositeUses(text: string, file: string): StepUse[] {
  const { doc, lines } = parseYaml(text, file);
  const runs = isMap(doc.contents) ? doc.contents.get("runs", true) : undefined;
  if (!isMap(runs)) throw new UserError(`${file}: not an action: it has no runs mapping`);
  const using = runs.get("using", true);
  if (!isScalar(using) || String(using.value).trim().toLowerCase() !== "composite") return [];
  return stepsOf(runs.get("steps", true), text, lines);
}

/** `on: workflow_call` (as a word, a list or a mapping) and no other trigger: a reusable workflow only. */
function triggeredOnlyByCalls(on: unknown): boolean {
  const names = isScalar(on)
    ? [on.value]
    : isSeq(on)
      ? on.items.map((i) => (isScalar(i) ? i.value : undefined))
      : isMap(on)
        ? on.items.map((i) => (isScalar(i.key) ? i.key.value : undefined))
        : [];
  return names.length > 0 && names.every((n) => n === "workflow_call");
}

function stepsOf(steps: unknown, text: string, lines: LineCounter): StepUse[] {
  if (!isSeq(steps)) return [];
  return steps.items.flatMap((step) => {
    const use = isMap(step) ? usesOf(step, text, lines) : undefined;
    return use ? [use] : [];
  });
}

function usesOf(map: YAMLMap, text: string, lines: LineCounter): StepUse | undefined {
  const uses = map.get("uses", true);
  if (!isScalar(uses) || typeof uses.value !== "string") return undefined;
  return {
    uses: uses.value.trim(),
    line: lineOf(uses, lines),
    comment: uses.comment ?? sameLineComment(text, uses),
  };
}

function lineOf(node: Node, lines: LineCounter): number {
  return node.range ? lines.linePos(node.range[0]).line : 0;
}

/** A comment after a flow-style step (`- { uses: a@sha } # v1`), which YAML leaves off the scalar. */
function sameLineComment(text: string, node: Node): string | undefined {
  if (!node.range) return undefined;
  const end = text.indexOf("\n", node.range[1]);
  return /^[\s,}\]]*#(.*)$/.exec(text.slice(node.range[1], end < 0 ? undefined : end))?.[1];
}

/** A version as a ref or comment names it: 2, 2.1 or 2.1.0 (with a pre-release). */
export interface NamedVersion {
  text: string;
  major: number;
  minor: number | null;
  patch: number | null;
}

const VERSION = /^v?(\d+)(?:\.(\d+)(?:\.(\d+)(-[0-9A-Za-z.-]+)?)?)?$/;

/**
 * The version in a tag or comment word: `v2`, `2.1`, `v2.1.0`, or with the action's
 * release-please component (`sast/v2.1.0`, `sast-v2.1.0`). Another action's tag is no version
 * of this one.
 */
export function versionOf(word: string, action: string): NamedVersion | undefined {
  let text = word.trim().replace(/^(tag=|@)/, "");
  const component = /^([a-z][\w-]*?)[/-](v?\d.*)$/.exec(text);
  if (component) {
    if (component[1] !== action) return undefined;
    text = component[2] as string;
  }
  const m = VERSION.exec(text);
  if (!m) return undefined;
  const full = m[3] !== undefined ? `${m[1]}.${m[2]}.${m[3]}${m[4] ?? ""}` : undefined;
  if (full !== undefined && !semver.valid(full)) return undefined;
  return {
    text: full ?? [m[1], m[2]].filter((p) => p !== undefined).join("."),
    major: Number(m[1]),
    minor: m[2] === undefined ? null : Number(m[2]),
    patch: m[3] === undefined ? null : Number(m[3]),
  };
}

/** `owner/repo[/path]@ref`, the form of every action on GitHub. */
export interface ActionRef {
  owner: string;
  repo: string;
  /** The folder inside the repository, without slashes around it; "" for the root. */
  path: string;
  ref: string;
  /** The ref is a full commit SHA. */
  pinned: boolean;
}

const SHA = /^[0-9a-f]{40}$/i;

export function parseActionRef(uses: string): ActionRef | undefined {
  const m = /^([\w.-]+)\/([\w.-]+)((?:\/[^@\s]+)?)@(\S+)$/.exec(uses);
  if (!m) return undefined;
  const ref = m[4] as string;
  return {
    owner: m[1] as string,
    repo: m[2] as string,
    path: (m[3] as string).replace(/^\/+|\/+$/g, ""),
    ref,
    pinned: SHA.test(ref),
  };
}

/**
 * The version a use runs: its tag, or for a pinned SHA the first word of its comment that is a
 * version (`# v2.1.0`, `# sast/v2.1.0`). A branch, or a SHA without such a comment: unknown.
 */
export function usedVersion(ref: ActionRef, comment: string | undefined, action: string) {
  if (!ref.pinned) return versionOf(ref.ref, action);
  for (const word of (comment ?? "").split(/\s+/)) {
    const version = versionOf(word, action);
    if (version) return version;
  }
  return undefined;
}

type UseKind = "upstream" | "fork" | "local";

/** A step that runs a secflow action. */
export interface ActionUse {
  line: number;
  action: SecflowAction;
  /** owner/repo it comes from; "." for a copy inside the repository itself. */
  source: string;
  kind: UseKind;
  ref: string;
  pinned: boolean;
  version: NamedVersion | undefined;
}

const isAction = (name: string): name is SecflowAction =>
  (SECFLOW_ACTIONS as readonly string[]).includes(name);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The secflow action a step runs, if any: `<upstream>/actions/<name>@ref`; a fork is the same
 * path in a repository of the same name under another owner, or a copy published as its own
 * repository (`<owner>/<name>@ref`, `<owner>/<upstream repo>-<name>@ref`); a local copy is
 * `./…/actions/<name>`.
 */
function secflowUse(step: StepUse, upstream: Upstream): ActionUse | undefined {
  const local = /^\.\/(?:.*\/)?actions\/([\w-]+)\/?$/.exec(step.uses);
  if (local) {
    const action = local[1] as string;
    if (!isAction(action)) return undefined;
    return {
      line: step.line,
      action,
      source: ".",
      kind: "local",
      ref: "",
      pinned: false,
      version: undefined,
    };
  }
  const ref = parseActionRef(step.uses);
  if (!ref) return undefined;
  let action: string | undefined;
  let kind: UseKind = "fork";
  const inActions = /^actions\/([\w-]+)$/.exec(ref.path)?.[1];
  if (inActions && same(ref.repo, upstream.repo)) {
    action = inActions;
    if (same(ref.owner, upstream.owner)) kind = "upstream";
  } else if (ref.path === "") {
    const prefix = `${upstream.repo.toLowerCase()}-`;
    const name = ref.repo.toLowerCase();
    action = name.startsWith(prefix) ? name.slice(prefix.length) : name;
  }
  if (!action || !isAction(action)) return undefined;
  return {
    line: step.line,
    action,
    source: `${ref.owner}/${ref.repo}`,
    kind,
    ref: ref.ref,
    pinned: ref.pinned,
    version: usedVersion(ref, step.comment, action),
  };
}

/** The secflow actions a workflow file runs; a UserError names a file that cannot be read as one. */
export function workflowActions(text: string, file: string, upstream: Upstream): ActionUse[] {
  return readWorkflowFile(text, file, upstream).uses;
}

/**
 * A file another one runs: a reusable workflow (a job-level `uses:`) or a local composite action
 * (a step `uses: ./path`). The report follows each into the called file's own uses.
 */
export interface FileCall {
  line: number;
  kind: "workflow" | "composite";
  /** owner/repo of the called file; undefined for `./…`, the calling file's own repository. */
  repository: string | undefined;
  /** Repository-relative: .github/workflows/x.yml, or a composite action's folder. */
  path: string;
  /** The ref the call names (`@v1`, a SHA); undefined for `./…` (the caller's own commit). */
  ref: string | undefined;
}

/** What a workflow or action file runs: secflow actions, and the files it calls. */
export interface FileUses {
  uses: ActionUse[];
  calls: FileCall[];
  /** A workflow whose only trigger is workflow_call: it runs for its callers, not on its own. */
  calledOnly?: boolean;
}

/** A workflow file's secflow actions and calls; a UserError names a file that cannot be read as one. */
export function readWorkflowFile(text: string, file: string, upstream: Upstream): FileUses {
  const { steps, jobs, calledOnly } = workflowUses(text, file);
  const read = readSteps(steps, upstream);
  const calls = [...jobs.map(reusableCall), ...read.calls].sort((a, b) => a.line - b.line);
  return { uses: read.uses, calls, calledOnly };
}

/** A local action file's secflow actions and calls (its composite steps). */
export function readActionFile(text: string, file: string, upstream: Upstream): FileUses {
  return readSteps(compositeUses(text, file), upstream);
}

function readSteps(steps: readonly StepUse[], upstream: Upstream): FileUses {
  const found: FileUses = { uses: [], calls: [] };
  for (const step of steps) {
    const use = secflowUse(step, upstream);
    if (use) found.uses.push(use);
    else if (step.uses.startsWith("./")) found.calls.push(localCall(step, "composite"));
  }
  return found;
}

/**
 * A job-level `uses:`: `owner/repo/.github/workflows/x.yml@ref`, or `./.github/workflows/x.yml`
 * in the same repository (at the caller's commit). Anything else is kept as written, so that the
 * report lists it as a call it could not follow.
 */
function reusableCall(job: StepUse): FileCall {
  if (job.uses.startsWith("./")) return localCall(job, "workflow");
  const ref = parseActionRef(job.uses);
  if (!ref)
    return { line: job.line, kind: "workflow", repository: undefined, path: job.uses, ref: undefined };
  return {
    line: job.line,
    kind: "workflow",
    repository: `${ref.owner}/${ref.repo}`,
    path: ref.path,
    ref: ref.ref,
  };
}

/** `./a/b/` → `a/b`; a path that climbs out of the repository keeps its `..`, and is refused when read. */
function localCall(step: StepUse, kind: FileCall["kind"]): FileCall {
  const path = posix.normalize(step.uses).replace(/\/+$/, "");
  return { line: step.line, kind, repository: undefined, path, ref: undefined };
}

/** A repository-relative path that stays inside the repository (no `..`, not absolute). */
export function staysInside(path: string): boolean {
  return path !== "" && path !== "." && !path.startsWith("/") && !path.split("/").includes("..");
}
