/** Constants of the secflow SARIF profile, version 1 (see DESIGN.md, "The shared SARIF profile"). */

export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
export const SARIF_VERSION = "2.1.0" as const;
export const PROFILE_VERSION = 1;
export const SRCROOT = "%SRCROOT%";

export const ACTIONS = ["sast", "sca", "policy-diff", "change-gate"] as const;
export type ActionName = (typeof ACTIONS)[number];

export const CATEGORIES = ["sast", "sca", "policy", "gate"] as const;
export type FindingCategory = (typeof CATEGORIES)[number];

/** GitHub code scanning's upload limits. */
export const GITHUB_LIMITS = {
  runsPerFile: 20,
  resultsPerRun: 25_000,
  gzippedBytes: 10 * 1024 * 1024,
} as const;

/** `secflow/<action>/<tool>[/<team>]/`: one code-scanning category per run. */
export function automationId(action: ActionName, tool?: string, team?: string): string {
  const parts = ["secflow", action, tool, team].filter((p): p is string => Boolean(p));
  return `${parts.map(slug).join("/")}/`;
}

function slug(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]+/g, "-");
}

/** Properties every run carries under `run.properties.secflow`. */
export interface RunSecflowProperties {
  profileVersion: typeof PROFILE_VERSION;
  action: ActionName;
  actionVersion: string;
  team?: string;
  baseRef?: string;
  headRef?: string;
  mode: "full" | "diff";
}
