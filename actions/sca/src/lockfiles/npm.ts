// npm's package-lock.json and npm-shrinkwrap.json: lockfile v2/v3 list every installed package
// under "packages" by its node_modules path; v1 nests "dependencies" as installed.

import semver from "semver";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { type GraphNode, placeNodes, type Root } from "./graph.ts";
import { jsonPath, objectKeyLines } from "./json-lines.ts";
import { isRecord, makePackage, parseJson, siblingManifest } from "./package.ts";
import { LockfileError, type LockfileInput } from "./types.ts";

export async function parseNpmLock(input: LockfileInput): Promise<ParsedLockfile> {
  let doc: unknown;
  try {
    doc = parseJson(input.text);
  } catch (error) {
    throw new LockfileError(`${input.path}: ${(error as Error).message}`);
  }
  if (!isRecord(doc)) throw new LockfileError(`${input.path}: expected an object, as npm writes`);
  const lines = objectKeyLines(input.text);
  if (isRecord(doc.packages)) return parsePackages(input.path, doc.packages, lines);
  if (isRecord(doc.dependencies)) return parseV1(input, doc.dependencies, lines);
  if (doc.lockfileVersion !== undefined)
    return { path: input.path, ecosystem: "npm", packages: [], skipped: [] };
  throw new LockfileError(`${input.path}: has neither "packages" nor "dependencies"; is it an npm lockfile?`);
}

interface Entry {
  version?: unknown;
  name?: unknown;
  link?: unknown;
  dev?: unknown;
  license?: unknown;
  dependencies?: unknown;
  optionalDependencies?: unknown;
  peerDependencies?: unknown;
  devDependencies?: unknown;
}

/** Lockfile v2 and v3. */
function parsePackages(
  path: string,
  packages: Record<string, unknown>,
  lines: Map<string, number>,
): ParsedLockfile {
  const skipped: Skip[] = [];
  const nodes = new Map<string, GraphNode>();
  const roots: Root[] = [];
  const entries = Object.entries(packages).filter((e): e is [string, Entry] => isRecord(e[1]));
  const locations = new Set(entries.map(([key]) => key));
  for (const [key, entry] of entries) {
    const deps = {
      ...asMap(entry.peerDependencies),
      ...asMap(entry.optionalDependencies),
      ...asMap(entry.dependencies),
    };
    const resolve = (name: string) => resolveLocation(key, name, locations);
    if (key === "" || !key.includes("node_modules/")) {
      // The project and its workspaces: their dependencies are the direct ones.
      for (const name of Object.keys(deps)) pushRoot(roots, resolve(name), false);
      for (const name of Object.keys(asMap(entry.devDependencies))) pushRoot(roots, resolve(name), true);
      continue;
    }
    if (entry.link === true) continue; // a workspace linked into node_modules, not a registry package
    nodes.set(key, {
      name: nameOf(key, entry),
      dependencies: Object.keys(deps).flatMap((n) => resolve(n) ?? []),
    });
  }
  const placed = placeNodes(nodes, roots);
  const result: Package[] = [];
  for (const [key, entry] of entries) {
    const node = nodes.get(key);
    if (!node) continue;
    if (typeof entry.version !== "string") {
      skipped.push({ subject: `${path}: ${key}`, reason: "has no version; not checked" });
      continue;
    }
    const placement = placed.get(key) ?? {
      relation: "unknown" as const,
      scope: "runtime" as const,
      path: [node.name],
    };
    // npm marks dev-only packages itself; its flag wins over the graph walk.
    if (entry.dev === true) placement.scope = "dev";
    const line = lines.get(jsonPath("packages", key)) ?? 1;
    result.push(
      makePackage(
        "npm",
        node.name,
        entry.version,
        { lockfile: path, line },
        placement,
        typeof entry.license === "string" ? entry.license : undefined,
      ),
    );
  }
  return { path, ecosystem: "npm", packages: result, skipped };
}

function pushRoot(roots: Root[], id: string | undefined, dev: boolean): void {
  if (id !== undefined) roots.push({ id, dev });
}

/** Node's lookup: <from>/node_modules/<name>, then each enclosing node_modules folder. */
function resolveLocation(from: string, name: string, locations: ReadonlySet<string>): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (locations.has(candidate)) return candidate;
    if (base === "") return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut === -1 ? "" : base.slice(0, cut);
  }
}

function nameOf(key: string, entry: Entry): string {
  if (typeof entry.name === "string") return entry.name;
  return key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
}

function asMap(value: unknown): Record<string, string> {
  return isRecord(value) ? (value as Record<string, string>) : {};
}

interface V1Entry {
  version?: unknown;
  dev?: unknown;
  requires?: unknown;
  dependencies?: unknown;
}

/** Lockfile v1: nested "dependencies"; direct ones are named by the package.json beside it. */
async function parseV1(
  input: LockfileInput,
  top: Record<string, unknown>,
  lines: Map<string, number>,
): Promise<ParsedLockfile> {
  const skipped: Skip[] = [];
  const manifest = await siblingManifest(input, skipped);
  // Each package is identified by its nesting path: ["a"], ["a", "b"] for a's own copy of b.
  const nodes = new Map<string, GraphNode>();
  const found: { id: string; names: string[]; entry: V1Entry }[] = [];
  const visit = (deps: Record<string, unknown>, parent: string[]) => {
    for (const [name, value] of Object.entries(deps)) {
      if (!isRecord(value)) continue;
      const names = [...parent, name];
      found.push({ id: names.join("\0"), names, entry: value as V1Entry });
      if (isRecord(value.dependencies)) visit(value.dependencies, names);
    }
  };
  visit(top, []);
  const ids = new Set(found.map((f) => f.id));
  for (const { id, names, entry } of found) {
    const requires = Object.keys(asMap(entry.requires));
    const dependencies = requires.flatMap((dep) => {
      // A copy nested under this package or any ancestor, nearest first.
      for (let depth = names.length; depth >= 0; depth--) {
        const candidate = [...names.slice(0, depth), dep].join("\0");
        if (ids.has(candidate)) return [candidate];
      }
      return [];
    });
    nodes.set(id, { name: names.at(-1) as string, dependencies });
  }
  const roots: Root[] = manifest
    ? [
        ...Object.keys(manifest.runtime).map((name) => ({ id: name, dev: false })),
        ...Object.keys(manifest.dev).map((name) => ({ id: name, dev: true })),
      ]
    : [];
  const placed = placeNodes(nodes, roots);
  const packages: Package[] = [];
  for (const { id, names, entry } of found) {
    let name = names.at(-1) as string;
    let version = typeof entry.version === "string" ? entry.version : "";
    // An alias ("npm:real-name@1.2.3") installs another package under this name.
    const alias = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(version);
    if (alias) [name, version] = [alias[1] as string, alias[2] as string];
    if (!version) {
      skipped.push({ subject: `${input.path}: ${names.join(" > ")}`, reason: "has no version; not checked" });
      continue;
    }
    if (!semver.valid(version)) {
      // Lockfile v1 writes the source in place of the version of a git, file or tarball
      // dependency; that is no registry version to look advisories up by.
      skipped.push({ subject: `${input.path}: ${names.join(" > ")}`, reason: notFromRegistry(version) });
      continue;
    }
    const placement = placed.get(id) ?? {
      relation: "unknown" as const,
      scope: "runtime" as const,
      path: [name],
    };
    if (entry.dev === true) placement.scope = "dev";
    const keyPath = names.flatMap((n) => ["dependencies", n]);
    const line = lines.get(jsonPath(...keyPath)) ?? 1;
    packages.push(makePackage("npm", name, version, { lockfile: input.path, line }, placement));
  }
  return { path: input.path, ecosystem: "npm", packages, skipped };
}

/** Why a lockfile v1 "version" that is a source (never quoted: a URL may carry a token) is not checked. */
function notFromRegistry(version: string): string {
  const kind = version.startsWith("file:")
    ? "a local folder or file (file:)"
    : /^(git\+|git:|github:|gitlab:|bitbucket:|gist:)|\.git(#|$)/.test(version) ||
        /^[\w.-]+\/[\w.-]+(#.*)?$/.test(version)
      ? "git"
      : "a URL or tarball";
  return `is installed from ${kind}, not the registry, and has no registry version; not checked`;
}
