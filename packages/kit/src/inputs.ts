import { InputError } from "@secflow/errors";

/** Where input values come from: the action's environment, or the CLI's options. */
export type InputSource = (name: string) => string | undefined;

/** Reads `INPUT_<NAME>` as @actions/core does: spaces become `_`, upper case, trimmed. */
export function actionInputSource(env: NodeJS.ProcessEnv = process.env): InputSource {
  return (name) => given(env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`]);
}

/** Values given as a record, e.g. parsed command-line options; lists become lines. */
export function recordInputSource(
  record: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>,
): InputSource {
  return (name) => {
    const value = Object.hasOwn(record, name) ? record[name] : undefined;
    if (value === undefined) return undefined;
    return given(Array.isArray(value) ? value.join("\n") : String(value));
  };
}

// As in @actions/core, an empty value means the input was not given.
function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === "" ? undefined : trimmed;
}

const TRUE = ["true", "True", "TRUE"];
const FALSE = ["false", "False", "FALSE"];

export interface InputReader {
  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  /** A value that must be given. */
  required(name: string): string;
  /** YAML 1.2 core booleans, as @actions/core getBooleanInput accepts them. */
  boolean(name: string, fallback: boolean): boolean;
  /** Comma- and/or newline-separated values, trimmed, empty ones dropped. */
  list(name: string, fallback?: readonly string[]): string[];
  enumOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  number(name: string, fallback: number, range?: { min?: number; max?: number }): number;
}

/** Typed access to inputs; every bad value is a UserError naming the input and what to write. */
export function inputs(source: InputSource): InputReader {
  function string(name: string): string | undefined;
  function string(name: string, fallback: string): string;
  function string(name: string, fallback?: string): string | undefined {
    return source(name) ?? fallback;
  }

  return {
    string,
    required(name) {
      const value = source(name);
      if (value === undefined) {
        throw new InputError(
          `Input "${name}" is required: give it a value (with: ${name}: … in the workflow, --${name} … on the command line).`,
        );
      }
      return value;
    },
    boolean(name, fallback) {
      const value = source(name);
      if (value === undefined) return fallback;
      if (TRUE.includes(value)) return true;
      if (FALSE.includes(value)) return false;
      throw invalid(name, value, `write one of ${[...TRUE, ...FALSE].join(", ")}`);
    },
    list(name, fallback = []) {
      const value = source(name);
      if (value === undefined) return [...fallback];
      return value
        .split(/[,\n]/)
        .map((item) => item.trim())
        .filter((item) => item !== "");
    },
    enumOf(name, allowed, fallback) {
      const value = source(name);
      if (value === undefined) return fallback;
      const match = allowed.find((candidate) => candidate === value);
      if (match === undefined) throw invalid(name, value, `write one of ${allowed.join(", ")}`);
      return match;
    },
    number(name, fallback, range = {}) {
      const value = source(name);
      if (value === undefined) return fallback;
      const parsed = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
      const { min, max } = range;
      const bounds =
        min !== undefined && max !== undefined
          ? ` from ${min} to ${max}`
          : min !== undefined
            ? ` of at least ${min}`
            : max !== undefined
              ? ` of at most ${max}`
              : "";
      if (
        Number.isNaN(parsed) ||
        (min !== undefined && parsed < min) ||
        (max !== undefined && parsed > max)
      ) {
        throw invalid(name, value, `write a number${bounds}`);
      }
      return parsed;
    },
  };
}

function invalid(name: string, value: string, what: string): InputError {
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return new InputError(`Input "${name}" has an invalid value ${JSON.stringify(shown)}: ${what}.`);
}
