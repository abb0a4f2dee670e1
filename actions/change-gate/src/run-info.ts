import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

/** Which workflow run decided, on which event: what an auditor matches the evidence against. */
export interface RunInfo {
  id: string | null;
  attempt: number | null;
  /** GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/x.yml@refs/...`. */
  workflowRef: string | null;
  workflowSha: string | null;
  eventName: string | null;
  /** SHA-256 of the event payload file the runner wrote, so the payload can be checked later. */
  eventSha256: string | null;
  repository: string | null;
}

export async function runInfo(env: NodeJS.ProcessEnv): Promise<RunInfo> {
  const attempt = Number.parseInt(env.GITHUB_RUN_ATTEMPT ?? "", 10);
  return {
    id: env.GITHUB_RUN_ID || null,
    attempt: Number.isFinite(attempt) ? attempt : null,
    workflowRef: env.GITHUB_WORKFLOW_REF || null,
    workflowSha: env.GITHUB_WORKFLOW_SHA || null,
    eventName: env.GITHUB_EVENT_NAME || null,
    eventSha256: await digestOf(env.GITHUB_EVENT_NAME ? env.GITHUB_EVENT_PATH : undefined),
    repository: env.GITHUB_REPOSITORY || null,
  };
}

async function digestOf(file: string | undefined): Promise<string | null> {
  if (!file) return null;
  try {
    return createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
  } catch {
    // The change resolver reports an unreadable payload; here it is only unknown.
    return null;
  }
}
