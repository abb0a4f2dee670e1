import { describeJsonError } from "../json-error.ts";
import type { Ecosystem, Package, Skip } from "../model.ts";
import { purl } from "../purl.ts";
import type { Placement } from "./graph.ts";
import type { LockfileInput } from "./types.ts";

/** A package as every parser reports it. */
export function makePackage(
  ecosystem: Ecosystem,
  name: string,
  version: string,
  where: { lockfile: string; line: number },
  placement: Placement,
  license?: string,
): Package {
  return {
    ecosystem,
    name,
    version,
    purl: purl(ecosystem, name, version),
    relation: placement.relation,
    scope: placement.scope,
    lockfile: where.lockfile,
    line: where.line,
    dependencyPath: placement.path,
    ...(license ? { license } : {}),
    ...(placement.dependents ? { dependents: placement.dependents } : {}),
  };
}

/** Parses JSON, or throws a message that says what is wrong and where (line and column). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new Error(describeJsonError(text, error as Error));
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Names of a package.json's dependency lists. */
export function manifestDependencies(manifest: unknown): {
  runtime: Record<string, string>;
  dev: Record<string, string>;
} {
  const m = isRecord(manifest) ? manifest : {};
  const pick = (key: string) => (isRecord(m[key]) ? (m[key] as Record<string, string>) : {});
  return {
    runtime: { ...pick("peerDependencies"), ...pick("optionalDependencies"), ...pick("dependencies") },
    dev: pick("devDependencies"),
  };
}

/**
 * The dependency lists of the package.json beside a lockfile, which name the direct dependencies;
 * undefined when there is none, and a skip noted when it does not parse.
 */
export async function siblingManifest(
  input: LockfileInput,
  skipped: Skip[],
): Promise<ReturnType<typeof manifestDependencies> | undefined> {
  const text = await input.sibling("package.json");
  if (text === undefined) return undefined;
  try {
    return manifestDependencies(parseJson(text));
  } catch (error) {
    skipped.push({
      subject: `${input.path}: package.json beside it`,
      reason: `${(error as Error).message}; direct dependencies unknown`,
    });
    return undefined;
  }
}
