// pnpm-lock.yaml, lockfile versions 5.x, 6.0 and 9.0. Packages are keyed "/name/1.0.0" (5.x),
// "/name@1.0.0(peer@2)" (6.0) or "name@1.0.0" with the graph under "snapshots" (9.0); the
// project's own dependencies are under "importers" (or at the top level for one project).

import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { type GraphNode, placeNodes, type Root } from "./graph.ts";
import { isRecord, makePackage } from "./package.ts";
import { LockfileError, type LockfileInput } from "./types.ts";

export async function parsePnpmLock(input: LockfileInput): Promise<ParsedLockfile> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(input.text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const line = error ? lineCounter.linePos(error.pos[0]).line : 1;
    throw new LockfileError(`${input.path}:${line}: not valid YAML (${error?.message.split("\n")[0]})`);
  }
  const lock = doc.toJS({ maxAliasCount: -1 }) as unknown;
  if (!isRecord(lock) || lock.lockfileVersion === undefined) {
    throw new LockfileError(`${input.path}: has no lockfileVersion; is it a pnpm lockfile?`);
  }
  const major = Number.parseFloat(String(lock.lockfileVersion));
  const packagesSection = isRecord(lock.packages) ? lock.packages : {};
  const graphSection = major >= 9 && isRecord(lock.snapshots) ? lock.snapshots : packagesSection;

  // Line of each key under "packages".
  const keyLines = new Map<string, number>();
  const packagesNode = doc.get("packages", true);
  if (isMap(packagesNode)) {
    for (const pair of packagesNode.items) {
      if (isScalar(pair.key) && pair.key.range)
        keyLines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line);
    }
  }

  const id = (name: string, version: string) =>
    major >= 9 ? `${name}@${version}` : major >= 6 ? `/${name}@${version}` : `/${name}/${version}`;
  const nodes = new Map<string, GraphNode>();
  for (const [key, value] of Object.entries(graphSection)) {
    const parsed = parseKey(key, major);
    if (!parsed) continue;
    const entry = isRecord(value) ? value : {};
    const deps = { ...asMap(entry.optionalDependencies), ...asMap(entry.dependencies) };
    nodes.set(key, {
      name: parsed.name,
      dependencies: Object.entries(deps).map(([n, v]) => depId(n, String(v), id)),
    });
  }
  const roots: Root[] = [];
  const importers = isRecord(lock.importers) ? Object.values(lock.importers) : [lock];
  for (const importer of importers) {
    if (!isRecord(importer)) continue;
    for (const [section, dev] of [
      ["dependencies", false],
      ["optionalDependencies", false],
      ["devDependencies", true],
    ] as const) {
      for (const [name, spec] of Object.entries(asMap(importer[section]))) {
        const version = isRecord(spec) ? String(spec.version ?? "") : String(spec);
        if (!version.startsWith("link:")) roots.push({ id: depId(name, version, id), dev });
      }
    }
  }
  const placed = placeNodes(nodes, roots);

  const skipped: Skip[] = [];
  const seen = new Set<string>();
  const packages: Package[] = [];
  for (const [key, node] of nodes) {
    const parsed = parseKey(key, major) as { name: string; version: string };
    const plainKey = major >= 9 ? `${parsed.name}@${parsed.version}` : key;
    const entry = (graphSection === packagesSection ? packagesSection[key] : packagesSection[plainKey]) as
      | Record<string, unknown>
      | undefined;
    const unique = `${parsed.name}@${parsed.version}`;
    if (seen.has(unique)) continue; // one package installed with several peer sets
    seen.add(unique);
    const version = isRecord(entry) && typeof entry.version === "string" ? entry.version : parsed.version;
    const placement = placed.get(key) ?? {
      relation: "unknown" as const,
      scope: "runtime" as const,
      path: [node.name],
    };
    if (isRecord(entry) && entry.dev === true) placement.scope = "dev";
    if (isRecord(entry) && entry.dev === false) placement.scope = "runtime";
    const line = keyLines.get(plainKey) ?? keyLines.get(key) ?? 1;
    packages.push(makePackage("npm", parsed.name, version, { lockfile: input.path, line }, placement));
  }
  return { path: input.path, ecosystem: "npm", packages, skipped };
}

/** "name@1.0.0(peer@1)", "/name@1.0.0" or "/name/1.0.0_peer@1" → name and version. */
function parseKey(key: string, major: number): { name: string; version: string } | undefined {
  let text = key.startsWith("/") ? key.slice(1) : key;
  const paren = text.indexOf("(");
  if (paren !== -1) text = text.slice(0, paren);
  if (major < 6) {
    const cut = text.lastIndexOf("/");
    if (cut <= 0) return undefined;
    const version = text.slice(cut + 1).split("_")[0] as string;
    return { name: text.slice(0, cut), version };
  }
  const at = text.lastIndexOf("@");
  if (at <= 0) return undefined;
  return { name: text.slice(0, at), version: text.slice(at + 1) };
}

/** The graph id a dependency reference points at; an alias ("/real@1.0.0" or "real@1.0.0") names another package. */
function depId(name: string, version: string, id: (name: string, version: string) => string): string {
  if (version.startsWith("/")) return version;
  if (/^(@[^/]+\/)?[^@(]+@/.test(version) && !/^\d/.test(version))
    return id(...(splitAlias(version) as [string, string]));
  return id(name, version);
}

function splitAlias(text: string): [string, string] {
  const at = text.indexOf("@", 1);
  return [text.slice(0, at), text.slice(at + 1)];
}

function asMap(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
