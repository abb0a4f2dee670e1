import type { Change } from "@secflow/kit";

/**
 * `versionControlProvenance` for the runs, when the workflow names the repository: the change's
 * head commit (and branch), so the SARIF says which commit its findings belong to.
 */
export function provenance(
  head: Pick<Change, "headSha" | "headRef"> | undefined,
  env: NodeJS.ProcessEnv,
): { uri: string; revisionId: string; branch?: string } | undefined {
  if (!head || !env.GITHUB_REPOSITORY) return undefined;
  const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  const branch = head.headRef || env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME;
  return {
    uri: `${server}/${env.GITHUB_REPOSITORY}`,
    revisionId: head.headSha,
    ...(branch ? { branch } : {}),
  };
}
