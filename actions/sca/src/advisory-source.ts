// The advisories stage: which advisories affect the packages read, from one of three sources —
// another scanner's report (import), an offline OSV database (osv-db), or the OSV API.

import path from "node:path";
import { type ActionIO, isInside, toPosix, type Workspace } from "@secflow/kit";
import type { RunOptions } from "@secflow/sarif";
import pkg from "../package.json" with { type: "json" };
import { matchOffline, matchOnline, type PackageAdvisories } from "./advisories.ts";
import { locateImport } from "./imports/locate.ts";
import { readImport } from "./imports/read-import.ts";
import type { Ecosystem, Package, ParsedLockfile, Skip } from "./model.ts";
import type { Options } from "./options.ts";
import { parseBaseUrl } from "./osv/api-client.ts";
import { displayUrl } from "./osv/http.ts";
import { type AdvisoryIndex, loadOfflineDb, packageKey } from "./osv/offline-db.ts";
import { shownPath } from "./scan-setup.ts";

const OSV_TOOL = { name: "secflow-sca", version: pkg.version, informationUri: "https://osv.dev/" };

export interface MatchedAdvisories {
  /** The packages judged (an import may add packages the lockfiles do not show). */
  packages: Package[];
  advisories: PackageAdvisories;
  /** Where the advisories came from, for the summary. */
  source: string;
  /** The SARIF tool: secflow-sca, or the imported scanner. */
  tool: RunOptions["tool"];
}

export async function findAdvisories(
  lockfiles: readonly ParsedLockfile[],
  scanned: Package[],
  context: { options: Options; workspace: Workspace; excludeDev: boolean; io: ActionIO },
): Promise<MatchedAdvisories> {
  const { options, workspace, excludeDev, io } = context;
  if (options.import) {
    const shown = shownPath(workspace, options.import);
    const report = await readImport(options.import, options.importFormat, shown);
    const located = locateImport(report, lockfiles, {
      root: workspace.root,
      importPath: repositoryLocation(workspace.root, options.import),
    });
    const keep = located.packages.map((p) => !(excludeDev && p.scope === "dev"));
    return {
      packages: located.packages.filter((_, i) => keep[i]),
      advisories: { ...located.advisories, matches: located.advisories.matches.filter((_, i) => keep[i]) },
      source: `the ${report.tool.name} report ${shown}`,
      tool: { ...report.tool, version: report.tool.version ?? "unknown" },
    };
  }
  if (options.osvDb) {
    const shown = shownPath(workspace, options.osvDb);
    const wanted = new Set(scanned.map((p) => packageKey(p.ecosystem, p.name)));
    const db = await loadOfflineDb(options.osvDb, shown, wanted);
    const advisories = matchOffline(scanned, db.index);
    const uncovered = ecosystemsWithoutData(scanned, db.index, shown);
    return {
      packages: scanned,
      advisories: { ...advisories, skipped: [...db.skipped, ...uncovered, ...advisories.skipped] },
      source: `the offline OSV database ${shown} (${db.index.records} advisories)`,
      tool: OSV_TOOL,
    };
  }
  const url = parseBaseUrl(options.osvApiUrl);
  if (url.password) io.setSecret(decodeURIComponent(url.password));
  return {
    packages: scanned,
    advisories: scanned.length
      ? await matchOnline(scanned, { baseUrl: options.osvApiUrl, ...options.http })
      : { matches: [], missing: new Set(), skipped: [] },
    source: `the OSV API (${displayUrl(url)})`,
    tool: OSV_TOOL,
  };
}

/**
 * The ecosystems whose packages the database cannot judge: it has no advisory for that ecosystem
 * at all (say, only npm/all.zip was downloaded). Those packages are not clean, they are unchecked.
 */
function ecosystemsWithoutData(packages: readonly Package[], index: AdvisoryIndex, shown: string): Skip[] {
  const counts = new Map<Ecosystem, number>();
  for (const pkg of packages) counts.set(pkg.ecosystem, (counts.get(pkg.ecosystem) ?? 0) + 1);
  return [...counts]
    .filter(([ecosystem]) => !index.ecosystems.has(ecosystem))
    .map(([ecosystem, count]) => ({
      subject: `${ecosystem} (${count} package${count === 1 ? "" : "s"})`,
      reason: `no advisory data for ${ecosystem} in ${shown}; add osv.dev's ${ecosystem} database (${OSV_BUCKET}/${ecosystem}/all.zip) to it`,
      ecosystem,
    }));
}

/** Where osv.dev publishes each ecosystem's all.zip. */
const OSV_BUCKET = "https://osv-vulnerabilities.storage.googleapis.com";

/** Where a result the lockfiles cannot place goes: the report, when it is in the repository. */
function repositoryLocation(root: string, file: string): string {
  return isInside(root, file) ? toPosix(path.relative(root, file)) : path.basename(file);
}
