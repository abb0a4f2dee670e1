// Grype's JSON output: matches of a vulnerability to an artifact (package), with the version
// constraint that matched, fix versions and related vulnerabilities (aliases).

import { parseEcosystem } from "../ecosystems.ts";
import type { Ecosystem, Skip } from "../model.ts";
import type { OsvRecord } from "../osv/types.ts";
import { cvssEntry, rangeAroundInstalled, rangesFromConstraint } from "./ranges.ts";
import type { ImportedMatch, ImportedReport } from "./types.ts";

const TYPES: Record<string, Ecosystem> = {
  npm: "npm",
  python: "PyPI",
  "go-module": "Go",
  "rust-crate": "crates.io",
  "java-archive": "Maven",
  "jenkins-plugin": "Maven",
};

interface GrypeCvss {
  vector?: string;
  version?: string;
}

interface GrypeMatch {
  vulnerability?: {
    id?: string;
    description?: string;
    severity?: string;
    urls?: string[];
    dataSource?: string;
    cvss?: GrypeCvss[];
    fix?: { versions?: string[] };
  };
  relatedVulnerabilities?: { id?: string; description?: string; cvss?: GrypeCvss[]; urls?: string[] }[];
  matchDetails?: { found?: { versionConstraint?: string } }[];
  artifact?: {
    name?: string;
    version?: string;
    type?: string;
    purl?: string;
    locations?: { path?: string }[];
  };
}

export function readGrype(report: Record<string, unknown>, source: string): ImportedReport {
  const matches: ImportedMatch[] = [];
  const skipped: Skip[] = [];
  for (const match of (Array.isArray(report.matches) ? report.matches : []) as GrypeMatch[]) {
    const { vulnerability: vuln, artifact } = match;
    if (!vuln?.id || !artifact?.name || !artifact.version) continue;
    const ecosystem =
      TYPES[artifact.type ?? ""] ?? (artifact.purl ? parseEcosystem(purlType(artifact.purl)) : undefined);
    if (!ecosystem) {
      skipped.push({
        subject: `${source}: ${artifact.name} ${vuln.id}`,
        reason: `artifact type "${artifact.type}" is not a language package this action handles; not imported`,
      });
      continue;
    }
    const name = ecosystem === "Maven" ? (mavenName(artifact.purl) ?? artifact.name) : artifact.name;
    const constraint = match.matchDetails
      ?.map((d) => d.found?.versionConstraint)
      .find(Boolean)
      ?.replace(/\([^)]*\)\s*$/, "");
    const ranges =
      (constraint ? rangesFromConstraint(constraint, ecosystem) : undefined) ??
      rangeAroundInstalled(artifact.version, vuln.fix?.versions ?? [], ecosystem);
    const related = match.relatedVulnerabilities ?? [];
    const vectors = [...(vuln.cvss ?? []), ...related.flatMap((r) => r.cvss ?? [])]
      .map((c) => c.vector)
      .filter((v): v is string => Boolean(v));
    const record: OsvRecord = {
      id: vuln.id,
      aliases: related.map((r) => r.id).filter((id): id is string => Boolean(id) && id !== vuln.id),
      ...(vuln.description || related[0]?.description
        ? { details: vuln.description ?? related[0]?.description }
        : {}),
      severity: cvssEntry(vectors.find((v) => v.startsWith("CVSS:3")) ?? vectors[0]),
      affected: [{ package: { ecosystem, name }, ranges }],
      references: [...(vuln.dataSource ? [vuln.dataSource] : []), ...(vuln.urls ?? [])].map((url) => ({
        type: "WEB",
        url,
      })),
      database_specific: { ...(vuln.severity ? { severity: vuln.severity } : {}) },
    };
    const lockfile = artifact.locations?.[0]?.path;
    matches.push({ ecosystem, name, version: artifact.version, ...(lockfile ? { lockfile } : {}), record });
  }
  const descriptor = report.descriptor as { name?: string; version?: string } | undefined;
  return {
    tool: {
      name: "Grype",
      ...(descriptor?.version ? { version: descriptor.version } : {}),
      informationUri: "https://github.com/anchore/grype",
    },
    matches,
    skipped,
  };
}

function purlType(purl: string): string {
  const type = /^pkg:([^/]+)\//.exec(purl)?.[1] ?? "";
  return { pypi: "PyPI", golang: "Go", cargo: "crates.io", maven: "Maven", npm: "npm" }[type] ?? type;
}

function mavenName(purl: string | undefined): string | undefined {
  const match = /^pkg:maven\/([^/]+)\/([^@?#]+)/.exec(purl ?? "");
  return match
    ? `${decodeURIComponent(match[1] as string)}:${decodeURIComponent(match[2] as string)}`
    : undefined;
}
