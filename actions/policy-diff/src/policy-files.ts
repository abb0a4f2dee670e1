import { UserError } from "@secflow/errors";
import { matcher } from "@secflow/kit";
import type { PolicySource } from "./grant.ts";

/** The kinds of policy file whose globs a team may set (secflow.yml `policy.include`, input `include`). */
export const INCLUDE_KINDS = ["enrolment", "workflows", "kubernetes", "iam", "codeowners"] as const;
type IncludeKind = (typeof INCLUDE_KINDS)[number];
export type IncludeGlobs = Record<IncludeKind, string[]>;

export const DEFAULT_INCLUDE: IncludeGlobs = {
  enrolment: ["**/secflow-policy.yml", "**/secflow-policy.yaml"],
  workflows: [".github/workflows/*.yml", ".github/workflows/*.yaml"],
  kubernetes: ["**/{k8s,kubernetes,manifests,rbac}/**/*.{yml,yaml}", "**/*rbac*.{yml,yaml}"],
  iam: ["**/iam/**/*.json", "**/*.iam.json", "**/*iam-policy*.json"],
  // GitHub uses the first of these that exists.
  codeowners: [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"],
};

const SOURCE_OF: Record<Exclude<IncludeKind, "codeowners">, PolicySource> = {
  enrolment: "enrolment",
  workflows: "workflow",
  iam: "iam",
  kubernetes: "kubernetes",
};

/**
 * Which source reads each file. A file matching several kinds goes to the first of: the secflow
 * config, enrolment, workflows, IAM, Kubernetes (CODEOWNERS is chosen separately).
 */
export function assignSources(
  paths: Iterable<string>,
  include: IncludeGlobs,
  configPath: string,
): Map<string, PolicySource> {
  const order = (["enrolment", "workflows", "iam", "kubernetes"] as const).map((kind) => ({
    source: SOURCE_OF[kind],
    matches: matcher(include[kind]),
  }));
  const assigned = new Map<string, PolicySource>();
  for (const path of paths) {
    if (path === configPath) {
      assigned.set(path, "secflow-config");
      continue;
    }
    const found = order.find((o) => o.matches(path));
    if (found) assigned.set(path, found.source);
  }
  return assigned;
}

/** The CODEOWNERS file GitHub would use: the first listed path (or glob match) that exists. */
export function effectiveCodeowners(
  paths: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  candidates: readonly string[],
): string | undefined {
  for (const candidate of candidates) {
    if (paths.has(candidate)) return candidate;
    const isMatch = matcher([candidate]);
    const found = [...paths.keys()].filter((p) => isMatch(p)).sort()[0];
    if (found) return found;
  }
  return undefined;
}

/**
 * The `include` input: one line per kind, `kind: glob, glob`. A kind given here replaces the
 * defaults and secflow.yml for that kind.
 */
export function parseIncludeInput(text: string | undefined): Partial<IncludeGlobs> {
  const result: Partial<IncludeGlobs> = {};
  for (const [index, raw] of (text ?? "").split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    const kind = line.slice(0, colon === -1 ? line.length : colon).trim();
    if (colon === -1 || !(INCLUDE_KINDS as readonly string[]).includes(kind)) {
      throw new UserError(
        `Input "include", line ${index + 1}: write "<kind>: <glob>, <glob>" with kind one of ${INCLUDE_KINDS.join(", ")}; got ${JSON.stringify(line)}.`,
      );
    }
    const globs = line
      .slice(colon + 1)
      .split(",")
      .map((g) => g.trim())
      .filter((g) => g !== "");
    if (globs.length === 0)
      throw new UserError(`Input "include", line ${index + 1}: give at least one glob for ${kind}.`);
    result[kind as IncludeKind] = [...(result[kind as IncludeKind] ?? []), ...globs];
  }
  return result;
}
