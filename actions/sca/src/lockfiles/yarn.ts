// yarn.lock, classic (v1) and berry (v2+): entries keyed by the descriptors that resolve to them
// ("lodash@^4.17.15, lodash@^4.17.20:" or "lodash@npm:^4.17.15:"). Which are direct and which are
// dev comes from the package.json beside it; the lockfile does not record it.

import { parseSyml } from "@yarnpkg/parsers";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { type GraphNode, placeNodes, type Root } from "./graph.ts";
import { isRecord, makePackage, siblingManifest } from "./package.ts";
import { LockfileError, type LockfileInput } from "./types.ts";

export async function parseYarnLock(input: LockfileInput): Promise<ParsedLockfile> {
  let lock: Record<string, unknown>;
  try {
    lock = parseSyml(input.text) as Record<string, unknown>;
  } catch (error) {
    throw new LockfileError(
      `${input.path}: not a readable yarn.lock (${(error as Error).message.split("\n")[0]})`,
    );
  }
  const berry = isRecord(lock.__metadata);
  const headerLines = descriptorLines(input.text);
  const skipped: Skip[] = [];

  // Every descriptor points at the entry (node) it resolves to.
  const byDescriptor = new Map<string, string>();
  const entries = Object.entries(lock).filter(([key, value]) => key !== "__metadata" && isRecord(value)) as [
    string,
    Record<string, unknown>,
  ][];
  for (const [key] of entries)
    for (const descriptor of splitDescriptors(key)) byDescriptor.set(descriptor, key);
  const nodes = new Map<string, GraphNode>();
  const workspaces: [string, Record<string, unknown>][] = [];
  for (const [key, entry] of entries) {
    const first = splitDescriptors(key)[0] as string;
    if (berry && (String(entry.resolution ?? "").includes("@workspace:") || entry.linkType === "soft")) {
      workspaces.push([key, entry]);
      continue;
    }
    const deps = { ...asMap(entry.optionalDependencies), ...asMap(entry.dependencies) };
    nodes.set(key, {
      name: nameOf(first),
      dependencies: Object.entries(deps).flatMap(([n, range]) => byDescriptor.get(`${n}@${range}`) ?? []),
    });
  }

  const manifest = await siblingManifest(input, skipped);
  const roots: Root[] = [];
  const rootOf = (name: string, range: string, dev: boolean) => {
    const key =
      byDescriptor.get(`${name}@${range}`) ?? (berry ? byDescriptor.get(`${name}@npm:${range}`) : undefined);
    if (key) roots.push({ id: key, dev });
  };
  if (manifest) {
    for (const [name, range] of Object.entries(manifest.runtime)) rootOf(name, range, false);
    for (const [name, range] of Object.entries(manifest.dev)) rootOf(name, range, true);
  }
  // Berry records each workspace's dependencies; the root workspace's dev ones come from package.json.
  const devNames = new Set(Object.keys(manifest?.dev ?? {}));
  for (const [, entry] of workspaces) {
    for (const [name, range] of Object.entries(asMap(entry.dependencies)))
      rootOf(name, String(range), devNames.has(name));
  }
  const placed = placeNodes(nodes, roots);

  const packages: Package[] = [];
  for (const [key, node] of nodes) {
    const entry = lock[key] as Record<string, unknown>;
    const version = entry.version === undefined ? "" : String(entry.version);
    let name = node.name;
    // An alias ("foo@npm:bar@^1") installs bar; berry records the real name in "resolution".
    const resolution = typeof entry.resolution === "string" ? entry.resolution : "";
    if (berry && resolution) name = nameOf(resolution);
    if (!version) {
      skipped.push({ subject: `${input.path}: ${key}`, reason: "has no version; not checked" });
      continue;
    }
    const first = splitDescriptors(key)[0] as string;
    const placement = placed.get(key) ?? {
      relation: "unknown" as const,
      scope: "runtime" as const,
      path: [name],
    };
    packages.push(
      makePackage(
        "npm",
        name,
        version,
        { lockfile: input.path, line: headerLines.get(first) ?? 1 },
        placement,
      ),
    );
  }
  return { path: input.path, ecosystem: "npm", packages, skipped };
}

/** "a@^1, a@^1.2" (quotes already removed by the parser, or not) → ["a@^1", "a@^1.2"]. */
function splitDescriptors(key: string): string[] {
  return key.split(/,\s*/).map(unquote).filter(Boolean);
}

function unquote(text: string): string {
  const t = text.trim();
  return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
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
    if (line === "" || line.startsWith(" ") || line.startsWith("#") || !line.trimEnd().endsWith(":")) return;
    for (const descriptor of splitDescriptors(line.trimEnd().slice(0, -1)))
      if (!lines.has(descriptor)) lines.set(descriptor, i + 1);
  });
  return lines;
}

function asMap(value: unknown): Record<string, string> {
  return isRecord(value) ? (value as Record<string, string>) : {};
}
