// Which secflow actions a workflow file runs, and at which version: the `uses:` of its steps,
// read from the YAML (bounded by the kit's parseYaml), with the version comment of a pinned SHA.
import { InputError, UserError } from "@secflow/errors";
import { parseYaml } from "@secflow/kit";
import semver from "semver";
import { isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

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
  const { doc, lines } = parseYaml(text, file);
  const jobs = isMap(doc.contents) ? doc.contents.get("jobs", true) : undefined;
  if (!isMap(jobs)) throw new UserError(`${file}: not a workflow: it has no jobs mapping`);
  const found: StepUse[] = [];
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get("steps", true) : undefined;
    if (!isSeq(steps)) continue; // a job that calls a reusable workflow has no steps
    for (const step of steps.items) {
      const uses = isMap(step) ? step.get("uses", true) : undefined;
      if (!isScalar(uses) || typeof uses.value !== "string") continue;
      found.push({
        uses: uses.value.trim(),
        line: lineOf(uses, lines),
        comment: uses.comment ?? sameLineComment(text, uses),
      });
    }
  }
  return found;
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
  return stepUses(text, file)
    .map((step) => secflowUse(step, upstream))
    .filter((u): u is ActionUse => u !== undefined);
}
