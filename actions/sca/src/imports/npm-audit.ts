// `npm audit --json` report version 2 (npm 7 and later): vulnerabilities by package name; each
// "via" entry that is an object is an advisory for that package ("via" strings only say the
// package depends on a vulnerable one, which is reported on its own).

import type { Skip } from "../model.ts";
import type { OsvRecord } from "../osv/types.ts";
import { cvssEntry, rangesFromConstraint } from "./ranges.ts";
import type { ImportedMatch, ImportedReport } from "./types.ts";

export function readNpmAudit(report: Record<string, unknown>, source: string): ImportedReport {
  if (report.auditReportVersion !== 2) {
    throw new Error(
      `${source}: auditReportVersion ${JSON.stringify(report.auditReportVersion)}; only npm audit report version 2 (npm 7+) is supported`,
    );
  }
  const matches: ImportedMatch[] = [];
  const skipped: Skip[] = [];
  const vulnerabilities = (report.vulnerabilities ?? {}) as Record<
    string,
    { name?: string; via?: unknown[] }
  >;
  for (const [key, vulnerability] of Object.entries(vulnerabilities)) {
    const name = vulnerability.name ?? key;
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== "object" || via === null) continue;
      const v = via as {
        source?: number;
        title?: string;
        url?: string;
        severity?: string;
        cwe?: string[];
        cvss?: { vectorString?: string | null };
        range?: string;
      };
      const id =
        /GHSA-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}/i.exec(v.url ?? "")?.[0] ?? `NPM-${v.source ?? "unknown"}`;
      const ranges = v.range ? rangesFromConstraint(v.range, "npm") : undefined;
      if (!ranges) {
        skipped.push({
          subject: `${source}: ${name} ${id}`,
          reason: `the range "${v.range ?? ""}" cannot be read; not imported`,
          ecosystem: "npm",
        });
        continue;
      }
      const record: OsvRecord = {
        id,
        ...(v.title ? { summary: v.title } : {}),
        severity: cvssEntry(v.cvss?.vectorString ?? undefined),
        affected: [{ package: { ecosystem: "npm", name }, ranges }],
        references: v.url ? [{ type: "ADVISORY", url: v.url }] : [],
        database_specific: { ...(v.severity ? { severity: v.severity } : {}), cwe_ids: v.cwe ?? [] },
      };
      matches.push({ ecosystem: "npm", name, record });
    }
  }
  return {
    tool: { name: "npm audit", informationUri: "https://docs.npmjs.com/cli/commands/npm-audit" },
    matches,
    skipped,
  };
}
