// Trivy's JSON report (SchemaVersion 2): Results per target (the lockfile) with Vulnerabilities
// naming the package, installed and fixed versions, CVSS per source and references.

import type { Ecosystem, Skip } from "../model.ts";
import type { OsvRecord } from "../osv/types.ts";
import { cvssEntry, rangeAroundInstalled } from "./ranges.ts";
import type { ImportedMatch, ImportedReport } from "./types.ts";

const TYPES: Record<string, Ecosystem> = {
  npm: "npm",
  yarn: "npm",
  pnpm: "npm",
  "node-pkg": "npm",
  pip: "PyPI",
  pipenv: "PyPI",
  poetry: "PyPI",
  uv: "PyPI",
  "python-pkg": "PyPI",
  gomod: "Go",
  gobinary: "Go",
  cargo: "crates.io",
  "rust-binary": "crates.io",
  gradle: "Maven",
  pom: "Maven",
  jar: "Maven",
};

interface TrivyVulnerability {
  VulnerabilityID?: string;
  PkgName?: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Title?: string;
  Description?: string;
  Severity?: string;
  CweIDs?: string[];
  CVSS?: Record<string, { V3Vector?: string; V2Vector?: string; V40Vector?: string }>;
  References?: string[];
  PrimaryURL?: string;
}

export function readTrivy(report: Record<string, unknown>, source: string): ImportedReport {
  const matches: ImportedMatch[] = [];
  const skipped: Skip[] = [];
  for (const result of Array.isArray(report.Results) ? report.Results : []) {
    const {
      Target: target,
      Type: type,
      Vulnerabilities: vulns,
    } = result as { Target?: string; Type?: string; Vulnerabilities?: TrivyVulnerability[] };
    if (!Array.isArray(vulns) || vulns.length === 0) continue;
    const ecosystem = TYPES[type ?? ""];
    if (!ecosystem) {
      skipped.push({
        subject: `${source}: ${target ?? "?"}`,
        reason: `${vulns.length} findings of type "${type}" (not a language package) were not imported`,
      });
      continue;
    }
    for (const v of vulns) {
      if (!v.VulnerabilityID || !v.PkgName || !v.InstalledVersion) continue;
      const fixed = (v.FixedVersion ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const refs = [...(v.PrimaryURL ? [v.PrimaryURL] : []), ...(v.References ?? [])];
      const ghsa = [
        ...new Set(refs.flatMap((url) => /GHSA-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}/i.exec(url)?.[0] ?? [])),
      ];
      // GitHub's and NVD's vectors first: they are the ones the other sources use too.
      const cvss = ["ghsa", "nvd", ...Object.keys(v.CVSS ?? {})]
        .map((k) => v.CVSS?.[k])
        .find((c) => c?.V3Vector || c?.V40Vector || c?.V2Vector);
      const record: OsvRecord = {
        id: v.VulnerabilityID,
        aliases: ghsa.filter((id) => id !== v.VulnerabilityID),
        ...(v.Title ? { summary: v.Title } : {}),
        ...(v.Description ? { details: v.Description } : {}),
        severity: cvssEntry(cvss?.V3Vector ?? cvss?.V40Vector ?? cvss?.V2Vector),
        affected: [
          {
            package: { ecosystem, name: v.PkgName },
            ranges: rangeAroundInstalled(v.InstalledVersion, fixed, ecosystem),
          },
        ],
        references: refs.map((url) => ({ type: "WEB", url })),
        database_specific: { ...(v.Severity ? { severity: v.Severity } : {}), cwe_ids: v.CweIDs ?? [] },
      };
      matches.push({
        ecosystem,
        name: v.PkgName,
        version: v.InstalledVersion,
        ...(target ? { lockfile: target } : {}),
        record,
      });
    }
  }
  const version =
    typeof (report.Trivy as { Version?: unknown } | undefined)?.Version === "string"
      ? (report.Trivy as { Version: string }).Version
      : undefined;
  return {
    tool: { name: "Trivy", ...(version ? { version } : {}), informationUri: "https://trivy.dev/" },
    matches,
    skipped,
  };
}
