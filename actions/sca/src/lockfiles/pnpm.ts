// pnpm-lock.yaml, lockfile versions 5.x, 6.0 and 9.0. Packages are keyed "/name/1.0.0" (5.x),
// "/name@1.0.0(peer@2)" (6.0) or "name@1.0.0" with the graph under "snapshots" (9.0); the
// project's own dependencies are under "importers" (or at the top level for one project).

import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { type GraphNode, placeNodes, type Root } from "./graph.ts";
import { isRecord, makePackage } from "./package.ts";
import { firstLine, invalidAt } from "./parse-errors.ts";
import { LockfileError, type LockfileInput } from "./types.ts";

export async function parsePnpmLock(input: LockfileInput): Promise<ParsedLockfile> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(input.text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const at = error ? lineCounter.linePos(error.pos[0]) : { line: 1, col: 1 };
    throw new LockfileError(
      `${input.path}: ${invalidAt("YAML", at.line, at.col, firstLine(error?.message ?? ""))}`,
    );
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
  // A reference that is itself a key ("github.com/org/repo/<sha>", "file:../x") points at it.
  const refId = (name: string, version: string) =>
    Object.hasOwn(graphSection, version) ? version : depId(name, version, id);
  /** Lockfile 9 keeps the package's data under "packages" without the peer suffix of "snapshots". */
  const entryOf = (key: string): Record<string, unknown> => {
    const value =
      graphSection === packagesSection ? packagesSection[key] : packagesSection[withoutPeers(key)];
    return isRecord(value) ? value : {};
  };

  const skipped: Skip[] = [];
  const nodes = new Map<string, GraphNode & { version: string }>();
  for (const [key, value] of Object.entries(graphSection)) {
    const entry = entryOf(key);
    // "name" and "version" are written for what the key does not say (tarballs, git, file:), and
    // win over what the key seems to say, as pnpm reads them.
    const fromKey = parseKey(key, major);
    const name = typeof entry.name === "string" && entry.name ? entry.name : fromKey.name;
    const version =
      typeof entry.version === "string" && entry.version ? entry.version : (fromKey.version ?? "");
    if (!name || !version) {
      const line = keyLines.get(withoutPeers(key)) ?? keyLines.get(key) ?? 1;
      skipped.push({
        subject: `${input.path}:${line}`,
        reason: "an entry that is not from the registry and records no package name or version; not checked",
      });
      continue;
    }
    const graphEntry = isRecord(value) ? value : {};
    const deps = { ...asMap(graphEntry.optionalDependencies), ...asMap(graphEntry.dependencies) };
    nodes.set(key, {
      name,
      version,
      dependencies: Object.entries(deps).map(([n, v]) => refId(n, String(v))),
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
        if (!version.startsWith("link:")) roots.push({ id: refId(name, version), dev });
      }
    }
  }
  const placed = placeNodes(nodes, roots);

  const seen = new Set<string>();
  const packages: Package[] = [];
  for (const [key, node] of nodes) {
    const unique = `${node.name}@${node.version}`;
    if (seen.has(unique)) continue; // one package installed with several peer sets
    seen.add(unique);
    const entry = entryOf(key);
    const placement = placed.get(key) ?? {
      relation: "unknown" as const,
      scope: "runtime" as const,
      path: [node.name],
    };
    if (entry.dev === true) placement.scope = "dev";
    if (entry.dev === false) placement.scope = "runtime";
    const line = keyLines.get(withoutPeers(key)) ?? keyLines.get(key) ?? 1;
    packages.push(makePackage("npm", node.name, node.version, { lockfile: input.path, line }, placement));
  }
  return { path: input.path, ecosystem: "npm", packages, skipped };
}

/** "name@1.0.0(peer@1)" → "name@1.0.0": lockfile 9's key of the package under "packages". */
function withoutPeers(key: string): string {
  const paren = key.indexOf("(");
  return paren === -1 ? key : key.slice(0, paren);
}

/**
 * What a key says of the package: "name@1.0.0(peer@1)" (9.0), "/name@1.0.0(peer@1)" (6.0),
 * "/name/1.0.0_peer@1" or "registry.example/name/1.0.0" (5.x). Keys that are not from a registry
 * ("file:…", a tarball URL, "github.com/org/repo/<sha>") give no version, or none at all.
 */
function parseKey(key: string, major: number): { name?: string; version?: string } {
  if (key.startsWith("file:")) return {};
  if (major >= 6) {
    const text = withoutPeers(key.startsWith("/") ? key.slice(1) : key);
    const at = text.indexOf("@", 1);
    if (at <= 0) return {};
    const version = text.slice(at + 1);
    return { name: text.slice(0, at), ...(major >= 9 || /^\d/.test(version) ? { version } : {}) };
  }
  // 5.x: a path whose first segment is "" or the registry's host, then the name and the version.
  const parts = key.split("/").slice(1);
  const scoped = parts[0]?.startsWith("@");
  const name = scoped ? parts.slice(0, 2).join("/") : parts[0];
  let version = parts[scoped ? 2 : 1];
  if (!name) return {};
  if (version === undefined) {
    // "/name@1.0.0"
    const match = /^(.+)@([\w.-]+)(?:\(|$)/.exec(name);
    return match ? { name: match[1] as string, version: match[2] as string } : {};
  }
  if (!/^\d/.test(version)) return {};
  version = version.split("_")[0] as string;
  return { name, version };
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
