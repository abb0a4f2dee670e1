// The latest release of each secflow action: given (the latest-versions input), or read from the
// upstream repository's GitHub Releases, which release-please tags <component>/vX.Y.Z
// (release-please-config.json: include-component-in-tag, tag-separator "/").
import { InputError } from "@secflow/errors";
import semver from "semver";
import { SECFLOW_ACTIONS, type SecflowAction, type Upstream } from "./adoption-uses.ts";
import type { Database } from "./database.ts";
import type { GitHubClient } from "./github-client.ts";

export type LatestVersions = Map<SecflowAction, string>;

const isAction = (name: string): name is SecflowAction =>
  (SECFLOW_ACTIONS as readonly string[]).includes(name);

/** `sast=2.1.0` (or `sast@2.1.0`), one per line or comma: the latest-versions input. */
export function parseLatestVersions(items: readonly string[]): LatestVersions {
  const latest: LatestVersions = new Map();
  for (const item of items) {
    const m = /^([\w-]+)\s*[=@:]\s*v?(\S+)$/.exec(item.trim());
    const version = m ? semver.valid(m[2] as string) : null;
    if (!m || !version || !isAction(m[1] as string))
      throw new InputError(
        `latest-versions: "${item}" is not <action>=<version> with one of ${SECFLOW_ACTIONS.join(", ")} and a version like 2.1.0`,
      );
    latest.set(m[1] as SecflowAction, version);
  }
  return latest;
}

/** The newest release version per action among release tags (sast/v2.1.0, sast-v2.1.0); pre-releases left out. */
export function latestOfTags(tags: readonly string[]): LatestVersions {
  const latest: LatestVersions = new Map();
  for (const tag of tags) {
    const m = /^([a-z][\w-]*?)[/-]v?(\d+\.\d+\.\d+\S*)$/.exec(tag);
    if (!m || !isAction(m[1] as string)) continue;
    const version = semver.valid(m[2] as string);
    if (!version || semver.prerelease(version)) continue;
    const action = m[1] as SecflowAction;
    const known = latest.get(action);
    if (!known || semver.gt(version, known)) latest.set(action, version);
  }
  return latest;
}

interface ReleaseSummary {
  tag_name: string;
  draft: boolean;
  prerelease: boolean;
}

/**
 * The upstream's latest release per action: its GitHub Releases (paginated, conditional, so a
 * night with no release costs 304s), and its tags for an action no release names.
 */
export async function upstreamLatest(api: GitHubClient, upstream: Upstream): Promise<LatestVersions> {
  const params = { owner: upstream.owner, repo: upstream.repo };
  const releases = await api.list<ReleaseSummary>("GET /repos/{owner}/{repo}/releases", params);
  const latest = latestOfTags(releases.filter((r) => !r.draft && !r.prerelease).map((r) => r.tag_name));
  if (SECFLOW_ACTIONS.every((a) => latest.has(a))) return latest;
  const tags = await api.list<{ name: string }>("GET /repos/{owner}/{repo}/tags", params);
  const fromTags = latestOfTags(tags.map((t) => t.name));
  for (const [action, version] of fromTags) if (!latest.has(action)) latest.set(action, version);
  return latest;
}

/** Stores the latest versions; given ones replace what the API said for the same action. */
export async function storeLatest(db: Database, latest: LatestVersions, source: string): Promise<void> {
  for (const [action, version] of latest) {
    const v = semver.parse(version);
    if (!v) continue;
    await db.query(
      `INSERT INTO action_release (action, version, major, minor, patch, source, checked_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (action) DO UPDATE SET version = EXCLUDED.version, major = EXCLUDED.major,
         minor = EXCLUDED.minor, patch = EXCLUDED.patch, source = EXCLUDED.source, checked_at = now()`,
      [action, v.version, v.major, v.minor, v.patch, source],
    );
  }
}
