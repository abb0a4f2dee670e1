import { inputPath, repositoryPath, resolveWorkspace, type Workspace } from "@secflow/kit";
import type { Options } from "./options.ts";

/** The gate's file inputs, resolved the way every secflow action resolves them. */
export interface GatePaths {
  workspace: Workspace;
  policyDiff?: string;
  /** Repository-relative; unset: the kit's default, .github/secflow.yml. */
  config?: string;
  output: string;
  evidence: string;
}

/**
 * `path` relative to GITHUB_WORKSPACE (any folder from the CLI, inside the workspace on a
 * runner); files the gate reads or writes relative to the workspace; `config` a file of the
 * repository, since it is read from git at the base commit. A bad one is a usage error.
 */
export async function resolvePaths(options: Options): Promise<GatePaths> {
  const workspace = await resolveWorkspace(options.path, options.env);
  return {
    workspace,
    ...(options.policyDiff ? { policyDiff: inputPath(workspace, options.policyDiff) } : {}),
    ...(options.config ? { config: repositoryPath(workspace, options.config, "config") } : {}),
    output: inputPath(workspace, options.output),
    evidence: inputPath(workspace, options.evidence),
  };
}
