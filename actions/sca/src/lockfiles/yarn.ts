// yarn.lock, classic (v1) and berry (v2+): entries keyed by the descriptors that resolve to them
// ("lodash@^4.17.15, lodash@^4.17.20:" or "lodash@npm:^4.17.15, lodash@npm:^4.17.20:"). One entry
// is one installed package, however many descriptors its header lists. Which are direct and which
// are dev comes from the package.json beside it; the lockfile does not record it.

import { parseSyml } from "@yarnpkg/parsers";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { type GraphNode, placeNodes, type Root } from "./graph.ts";
import { isRecord, makePackage, siblingManifest } from "./package.ts";
import { firstLine, invalidAt } from "./parse-errors.ts";
import { LockfileError, type LockfileInput } from "./types.ts";

/** One lockfile entry: the descriptors of its header and its fields. */
interface Entry {
  /** Its first descriptor, which stands for it in the graph. */
  id: string;
  descriptors: string[];
  fields: Record<string, unknown>;
}

export async function parseYarnLock(input: LockfileInput): Promise<ParsedLockfile> {
  let lock: Record<string, unknown>;
  try {
    lock = parseSyml(input.text) as Record<string, unknown>;
  } catch (error) {
    throw new LockfileError(`${input.path}: ${describeSymlError(error)}`);
  }
  const berry = isRecord(lock.__metadata);
  const headerLines = descriptorLines(input.text);
  const skipped: Skip[] = [];

  const entries = groupEntries(lock);
  // Every descriptor points at the entry it resolves to.
  const byDescriptor = new Map<string, Entry>();
  for (const entry of entries) for (const d of entry.descriptors) byDescriptor.set(d, entry);
  // Berry writes a package that yarn patches (resolve, typescript, fsevents, or a `yarn patch`)
  // twice: the npm entry and the patch entry. Both are the one installed package.
  const patchedTo = new Map<Entry, Entry>();
  for (const entry of entries) {
    const target = berry ? patchTarget(entry, entries) : undefined;
    if (!target) continue;
    patchedTo.set(entry, target);
    for (const d of entry.descriptors) byDescriptor.set(d, target);
  }
  const resolve = (name: string, range: string): string | undefined =>
    (
      byDescriptor.get(`${name}@${range}`) ??
      // Berry lockfiles before v8 write dependency ranges without the npm: protocol.
      (berry && !/^[a-z]+:/.test(range) ? byDescriptor.get(`${name}@npm:${range}`) : undefined)
    )?.id;

  const nodes = new Map<string, GraphNode>();
  const workspaces: Entry[] = [];
  for (const entry of entries) {
    if (patchedTo.has(entry)) continue;
    const { fields } = entry;
    if (berry && (String(fields.resolution ?? "").includes("@workspace:") || fields.linkType === "soft")) {
      workspaces.push(entry);
      continue;
    }
    const deps = { ...asMap(fields.optionalDependencies), ...asMap(fields.dependencies) };
    nodes.set(entry.id, {
      name: realName(entry, berry),
      dependencies: Object.entries(deps).flatMap(([n, range]) => resolve(n, String(range)) ?? []),
    });
  }

  const manifest = await siblingManifest(input, skipped);
  const roots: Root[] = [];
  const rootOf = (name: string, range: string, dev: boolean) => {
    const id = resolve(name, range);
    if (id) roots.push({ id, dev });
  };
  if (manifest) {
    for (const [name, range] of Object.entries(manifest.runtime)) rootOf(name, range, false);
    for (const [name, range] of Object.entries(manifest.dev)) rootOf(name, range, true);
  }
  // Berry records each workspace's dependencies; the root workspace's dev ones come from package.json.
  const devNames = new Set(Object.keys(manifest?.dev ?? {}));
  for (const { fields } of workspaces) {
    for (const [name, range] of Object.entries(asMap(fields.dependencies)))
      rootOf(name, String(range), devNames.has(name));
  }
  const placed = placeNodes(nodes, roots);

  const packages: Package[] = [];
  for (const entry of entries) {
    const node = nodes.get(entry.id);
    if (!node || patchedTo.has(entry)) continue;
    const version = entry.fields.version === undefined ? "" : String(entry.fields.version);
    if (!version) {
      skipped.push({ subject: `${input.path}: ${entry.id}`, reason: "has no version; not checked" });
      continue;
    }
    const placement = placed.get(entry.id) ?? {
      relation: "unknown" as const,
      scope: "runtime" as const,
      path: [node.name],
    };
    const line = entry.descriptors.map((d) => headerLines.get(d)).find((l) => l !== undefined) ?? 1;
    packages.push(makePackage("npm", node.name, version, { lockfile: input.path, line }, placement));
  }
  return { path: input.path, ecosystem: "npm", packages, skipped };
}

/**
 * The entries of a parsed lockfile. The classic parser gives each descriptor of a header its own
 * key, all sharing one object; berry keeps the header as one key. Either way: one entry per object.
 */
function groupEntries(lock: Record<string, unknown>): Entry[] {
  const byObject = new Map<object, Entry>();
  for (const [key, value] of Object.entries(lock)) {
    if (key === "__metadata" || !isRecord(value)) continue;
    const descriptors = splitDescriptors(key);
    const known = byObject.get(value);
    if (known) known.descriptors.push(...descriptors);
    else byObject.set(value, { id: descriptors[0] ?? key, descriptors, fields: value });
  }
  return [...byObject.values()];
}

/**
 * The package an entry installs. Berry names it in "resolution"; classic only in the descriptor,
 * where an alias ("ansi-regex-cjs@npm:ansi-regex@^5.0.0", "react-loadable@npm:@docusaurus/
 * react-loadable@6.0.0") installs the package after "npm:", and advisories name that one.
 */
function realName(entry: Entry, berry: boolean): string {
  const resolution = entry.fields.resolution;
  if (berry && typeof resolution === "string" && resolution) return nameOf(resolution);
  return aliasedName(entry.id);
}

function aliasedName(descriptor: string): string {
  const name = nameOf(descriptor);
  const range = descriptor.slice(name.length + 1);
  if (!range.startsWith("npm:")) return name;
  const target = range.slice("npm:".length);
  // "npm:^1.2.3" is a plain range; "npm:other@^1.2.3" and "npm:@scope/other@1.0.0" are aliases.
  return target.indexOf("@", 1) > 0 ? aliasedName(target) : name;
}

/**
 * For a berry patch entry ("resolve@patch:resolve@npm%3A^1.22.0#optional!builtin<compat/resolve>",
 * resolution "resolve@patch:resolve@npm%3A1.22.14#…"), the entry of the package it patches.
 */
function patchTarget(entry: Entry, entries: readonly Entry[]): Entry | undefined {
  const resolution = entry.fields.resolution;
  if (typeof resolution !== "string") return undefined;
  const name = nameOf(resolution);
  const rest = resolution.slice(name.length + 1);
  if (!rest.startsWith("patch:")) return undefined;
  let inner: string;
  try {
    inner = decodeURIComponent(rest.slice("patch:".length).split("#")[0] ?? "");
  } catch {
    return undefined;
  }
  return entries.find((other) => other !== entry && other.fields.resolution === inner);
}

/** "a@^1, a@^1.2", with or without quotes around each or around all → ["a@^1", "a@^1.2"]. */
function splitDescriptors(key: string): string[] {
  return key
    .replace(/"/g, "")
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
}

/** "@scope/name@npm:^1.0.0" → "@scope/name". */
function nameOf(descriptor: string): string {
  const at = descriptor.indexOf("@", 1);
  return at === -1 ? descriptor : descriptor.slice(0, at);
}

/** Line of each descriptor in the entries' header lines (unindented, ending with ":"). */
function descriptorLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  text.split("\n").forEach((line, i) => {
    const header = line.trimEnd();
    if (header === "" || /^[\s#]/.test(header) || !header.endsWith(":")) return;
    for (const descriptor of splitDescriptors(header.slice(0, -1)))
      if (!lines.has(descriptor)) lines.set(descriptor, i + 1);
  });
  return lines;
}

/** The yarn parsers' errors (peggy for classic, js-yaml for berry) with their line and column. */
function describeSymlError(error: unknown): string {
  const e = error as {
    message?: string;
    location?: { start?: { line?: number; column?: number } };
    mark?: { line?: number; column?: number };
    reason?: string;
  };
  if (e.location?.start?.line !== undefined) {
    // peggy's message ends with the token it found, a piece of the file: keep what it expected.
    const expected = firstLine(e.message ?? "").replace(/\s+but\s+.*\s+found\.?$/, "");
    return invalidAt("yarn.lock", e.location.start.line, e.location.start.column ?? 1, expected);
  }
  if (e.mark?.line !== undefined) {
    return invalidAt("yarn.lock", e.mark.line + 1, (e.mark.column ?? 0) + 1, e.reason ?? "");
  }
  return `not a readable yarn.lock (${firstLine(e.message ?? String(error))})`;
}

function asMap(value: unknown): Record<string, string> {
  return isRecord(value) ? (value as Record<string, string>) : {};
}
