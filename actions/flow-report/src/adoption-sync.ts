// The adoption steps of a run: workflow files from a folder of checkouts, and the latest release
// of each action (given, or from the upstream's releases). Workflow files through the API are
// read by collect.ts, repository by repository, with the evidence.
import type { ActionIO } from "@secflow/kit";
import { syncCheckouts } from "./adoption-checkouts.ts";
import { type LatestVersions, storeLatest, upstreamLatest } from "./adoption-releases.ts";
import { emptyWorkflowSync, type WorkflowSync } from "./adoption-store.ts";
import { SECFLOW_ACTIONS, type Upstream } from "./adoption-uses.ts";
import type { Database } from "./database.ts";
import { ApiError, type GitHubClient, gitHubClient } from "./github-client.ts";

export interface AdoptionOptions {
  /** Read workflow files at all (through the API, with the evidence). */
  adoption: boolean;
  upstream: Upstream;
  /** Given latest versions; the others come from the upstream's releases. */
  latestVersions: LatestVersions;
  /** A folder of local checkouts whose workflow files to read. */
  checkouts?: string;
  token?: string;
  apiUrl: string;
}

/**
 * Reads the checkouts (when given) and stores the latest versions. `api` is the client of the
 * run's GitHub sync, if there was one; without it, a token still reads the upstream's releases.
 */
export async function syncAdoption(
  db: Database,
  options: AdoptionOptions,
  io: ActionIO,
  api: GitHubClient | undefined,
  synced: WorkflowSync = emptyWorkflowSync(),
): Promise<WorkflowSync> {
  const workflows = synced;
  if (options.checkouts) {
    const local = await syncCheckouts(db, options.checkouts, options.upstream, (l) => io.info(l));
    workflows.repositories += local.repositories;
    workflows.files += local.files;
    workflows.uses += local.uses;
    workflows.unreadable.push(...local.unreadable);
  }
  const readWorkflows = options.checkouts !== undefined || (api !== undefined && options.adoption);
  if (!readWorkflows && options.latestVersions.size === 0) return workflows;
  await storeLatest(db, options.latestVersions, "latest-versions input");
  const upstream = `${options.upstream.owner}/${options.upstream.repo}`;
  if (readWorkflows && SECFLOW_ACTIONS.some((a) => !options.latestVersions.has(a))) {
    const client =
      api ??
      (options.token
        ? await gitHubClient({
            token: options.token,
            baseUrl: options.apiUrl,
            db,
            progress: (l) => io.info(l),
          })
        : undefined);
    if (!client)
      io.info(
        `No token: the latest releases are what the database held, or the latest-versions input; ${upstream}'s releases were not read.`,
      );
    else {
      try {
        const latest = await upstreamLatest(client, options.upstream);
        for (const action of options.latestVersions.keys()) latest.delete(action);
        await storeLatest(db, latest, `releases of ${upstream}`);
        io.info(
          `Latest releases of ${upstream}: ${[...latest].map(([a, v]) => `${a} ${v}`).join(", ") || "none found"}`,
        );
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        io.warning(
          `${error.message}; the adoption tables compare with the latest versions the database held. Set upstream to the repository your secflow actions come from (now ${upstream}), give latest-versions (sast=2.1.0, …), or a token that can read ${upstream}'s releases.`,
        );
      }
    }
  }
  if (readWorkflows)
    io.info(
      `Workflows of ${workflows.repositories} repositories: ${workflows.files} files read (new or changed since the last sync), ${workflows.uses} secflow action steps in them` +
        (workflows.unreadable.length ? `, ${workflows.unreadable.length} files could not be read` : ""),
    );
  return workflows;
}
