// osv-scanner's JSON output: results per source lockfile, packages with the full OSV records
// that affect them.

import { parseEcosystem } from "../ecosystems.ts";
import type { Skip } from "../model.ts";
import { asOsvRecord } from "../osv/record.ts";
import type { ImportedMatch, ImportedReport } from "./types.ts";

export function readOsvScanner(report: Record<string, unknown>, source: string): ImportedReport {
  const matches: ImportedMatch[] = [];
  const skipped: Skip[] = [];
  for (const result of asList(report.results)) {
    const lockfile = (result as { source?: { path?: string } }).source?.path;
    for (const entry of asList((result as { packages?: unknown }).packages)) {
      const pkg =
        (entry as { package?: { name?: string; version?: string; ecosystem?: string } }).package ?? {};
      const ecosystem = parseEcosystem(pkg.ecosystem ?? "");
      if (!ecosystem || !pkg.name) {
        skipped.push({
          subject: `${source}: ${pkg.name ?? "?"} (${pkg.ecosystem ?? "no ecosystem"})`,
          reason: "an ecosystem this action does not handle; not imported",
        });
        continue;
      }
      for (const vuln of asList((entry as { vulnerabilities?: unknown }).vulnerabilities)) {
        const record = asOsvRecord(vuln);
        if (typeof record === "string") {
          skipped.push({ subject: `${source}: ${pkg.name}`, reason: `${record}; not imported`, ecosystem });
          continue;
        }
        matches.push({
          ecosystem,
          name: pkg.name,
          ...(pkg.version ? { version: pkg.version } : {}),
          ...(lockfile ? { lockfile } : {}),
          record,
        });
      }
    }
  }
  return {
    tool: { name: "osv-scanner", informationUri: "https://google.github.io/osv-scanner/" },
    matches,
    skipped,
  };
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
