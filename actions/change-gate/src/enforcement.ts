import { InputError, isUserError } from "@secflow/errors";
import { resolveCommit } from "@secflow/kit";
import {
  ENFORCEMENT_INPUTS,
  type EnforcementInput,
  INPUT_NAMES,
  type InputName,
  type Options,
  valueInForce,
  withEnforcementInputs,
} from "./options.ts";
import { findOwnStep, type GateStep, parseWorkflowRef } from "./own-step.ts";

/** Where an input's value came from. */
type InputOrigin = "base-workflow" | "input" | "default";

interface InputSource {
  /** The value in force; null when none (the token's is never recorded). */
  value: string | null;
  source: InputOrigin;
}

/** An enforcement input the running step was given that the base's step does not set so. */
interface EnforcementDifference {
  input: EnforcementInput;
  /** As written in the base's step; null when it leaves the input out. */
  base: string | null;
  given: string | null;
  /** What the gate used. */
  applied: string | null;
}

export interface Enforcement {
  /** The options in force. */
  options: Options;
  /** The workflow file named by GITHUB_WORKFLOW_REF, when it is in this repository. */
  workflow: string | null;
  /** The commit the gate's step was read at (the event's base). */
  readAt: string | null;
  step: Omit<GateStep, "with"> | null;
  differences: EnforcementDifference[];
  /** Why the inputs apply as given, or why the defaults apply. */
  note?: string;
  sources: Record<InputName, InputSource>;
}

export interface EnforcementFacts {
  root: string;
  env: NodeJS.ProcessEnv;
  /** The event's own base and head, before any input moves them. */
  eventBaseSha?: string;
  eventHeadSha?: string;
  /** owner/repo of the repository under review. */
  repository?: string;
}

/**
 * The in-repository deployment runs the workflow of the pull request's merge commit, so the
 * pull request can edit the gate's step. The gate therefore takes mode, base, config, expected
 * and on-missing from its own step as committed on the event's base: a value the base's step
 * sets wins, one it leaves out is the action's default, and an expression (which only the
 * runner can evaluate) keeps the runner's value only if the running step has the same text.
 * When the step cannot be found there, the defaults apply (fail closed). A workflow outside the
 * repository (an organisation's required workflow) or a run outside a workflow is trusted as given.
 */
export async function enforcementInputs(options: Options, facts: EnforcementFacts): Promise<Enforcement> {
  const { env, root } = facts;
  const asGiven = (note: string): Enforcement => ({
    options,
    workflow: null,
    readAt: null,
    step: null,
    differences: [],
    note,
    sources: sourcesOf(options, () => undefined),
  });
  const location = parseWorkflowRef(env.GITHUB_WORKFLOW_REF);
  if (!location) return asGiven("Not run by a workflow (no GITHUB_WORKFLOW_REF): the inputs apply as given.");
  const here = env.GITHUB_REPOSITORY || facts.repository;
  if (!here || location.repository.toLowerCase() !== here.toLowerCase()) {
    return asGiven(
      `The workflow comes from ${location.repository}, not this repository${here ? ` (${here})` : ""}: the pull request cannot edit it, so the inputs apply as given.`,
    );
  }
  if (!facts.eventBaseSha) {
    return {
      ...asGiven(
        `The ${env.GITHUB_EVENT_NAME ?? "local"} event has no base commit to read the gate's step from: the inputs apply as given.`,
      ),
      workflow: location.file,
    };
  }
  const base = await findOwnStep(root, facts.eventBaseSha, location.file, env);
  const values: Partial<Record<EnforcementInput, string>> = {};
  const origins: Partial<Record<EnforcementInput, InputOrigin>> = {};
  let note: string | undefined;
  if (base.step) {
    const running = await runningStep(facts, location.file);
    for (const input of ENFORCEMENT_INPUTS) {
      const written = base.step.with[input];
      if (written === undefined) continue;
      // An expression the runner evaluated counts only if the pull request did not rewrite it.
      const value = written.includes("${{")
        ? running?.with[input] === written
          ? options.given[input]
          : undefined
        : written;
      if (value !== undefined) {
        values[input] = value;
        origins[input] = "base-workflow";
      }
    }
  } else {
    note = `${location.file} has no step that uses actions/change-gate at the base commit ${facts.eventBaseSha.slice(0, 12)} that the gate can tell is its own (${base.why}): the action's defaults apply to ${ENFORCEMENT_INPUTS.join(", ")}, since the workflow that passed them may come from the pull request.`;
  }
  let effective: Options;
  try {
    effective = withEnforcementInputs(options, values);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(
      `${error.message} (read from the gate's step in ${location.file} at the base commit ${facts.eventBaseSha.slice(0, 12)})`,
    );
  }
  const differences: EnforcementDifference[] = [];
  for (const input of ENFORCEMENT_INPUTS) {
    const applied = input === "mode" ? effective.mode : (values[input] ?? null);
    const given = input === "mode" ? (options.given.mode ?? "enforce") : (options.given[input] ?? null);
    if (given !== applied) {
      differences.push({
        input,
        base: base.step?.with[input] ?? null,
        given: options.given[input] ?? null,
        applied,
      });
    }
  }
  return {
    options: effective,
    workflow: location.file,
    readAt: facts.eventBaseSha,
    step: base.step ? withoutWith(base.step) : null,
    differences,
    ...(note ? { note } : {}),
    sources: sourcesOf(effective, (name) =>
      (ENFORCEMENT_INPUTS as readonly string[]).includes(name)
        ? (origins[name as EnforcementInput] ?? "default")
        : undefined,
    ),
  };
}

/** The gate's step in the workflow that runs (GITHUB_WORKFLOW_SHA, else the change's head). */
async function runningStep(facts: EnforcementFacts, file: string): Promise<GateStep | undefined> {
  const fromEnv = facts.env.GITHUB_WORKFLOW_SHA;
  const commit = (fromEnv ? await resolveCommit(facts.root, fromEnv) : undefined) ?? facts.eventHeadSha;
  if (!commit) return undefined;
  try {
    return (await findOwnStep(facts.root, commit, file, facts.env)).step;
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
}

function withoutWith(step: GateStep): Omit<GateStep, "with"> {
  const { with: _with, ...rest } = step;
  return rest;
}

/** Each input's value in force and where it came from; `origin` decides for the enforcement inputs. */
function sourcesOf(
  options: Options,
  origin: (name: InputName) => InputOrigin | undefined,
): Record<InputName, InputSource> {
  return Object.fromEntries(
    INPUT_NAMES.map((name) => {
      const source = origin(name) ?? (options.given[name] !== undefined ? "input" : "default");
      return [name, { value: valueInForce(options, name), source }];
    }),
  ) as Record<InputName, InputSource>;
}
