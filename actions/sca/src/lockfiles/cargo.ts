// Cargo.lock: [[package]] tables; workspace members have no "source", and their dependencies
// are the direct ones. Dependencies are "name", "name version" or "name version (source)".

import { parse as parseToml } from "smol-toml";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { type GraphNode, placeNodes, type Root } from "./graph.ts";
import { isRecord, makePackage } from "./package.ts";
import { packageNameLines } from "./toml-blocks.ts";
import { tomlPackages } from "./toml-lock.ts";
import type { LockfileInput } from "./types.ts";

export async function parseCargoLock(input: LockfileInput): Promise<ParsedLockfile> {
  const { packages: tables } = tomlPackages(input.path, input.text);
  const lines = packageNameLines(input.text);
  const skipped: Skip[] = [];
  const versionsOf = new Map<string, string[]>();
  for (const t of tables)
    if (typeof t.name === "string")
      versionsOf.set(t.name, [...(versionsOf.get(t.name) ?? []), String(t.version)]);
  const idOf = (dep: unknown): string[] => {
    if (typeof dep !== "string") return [];
    const [name = "", version] = dep.split(" ");
    return [`${name} ${version ?? versionsOf.get(name)?.[0] ?? ""}`];
  };
  const devNames = await devDependencyNames(input);
  const nodes = new Map<string, GraphNode>();
  const roots: Root[] = [];
  for (const t of tables) {
    if (typeof t.name !== "string") continue;
    const deps = (Array.isArray(t.dependencies) ? t.dependencies : []).flatMap(idOf);
    if (t.source === undefined) {
      for (const id of deps) roots.push({ id, dev: devNames.has(id.split(" ")[0] as string) });
      continue;
    }
    nodes.set(`${t.name} ${String(t.version)}`, { name: t.name, dependencies: deps });
  }
  const placed = placeNodes(nodes, roots);
  const packages: Package[] = [];
  tables.forEach((t, i) => {
    const line = lines[i] ?? 1;
    if (typeof t.name !== "string" || typeof t.version !== "string") {
      skipped.push({
        subject: `${input.path}:${line}`,
        reason: "a [[package]] without name or version; not checked",
      });
      return;
    }
    if (t.source === undefined) return; // a workspace member: the project itself
    if (typeof t.source === "string" && !t.source.startsWith("registry+")) {
      skipped.push({
        subject: `${input.path}:${line}`,
        reason: `${t.name} comes from ${t.source.split("+")[0]}, not a registry; not checked`,
      });
      return;
    }
    const placement = placed.get(`${t.name} ${t.version}`) ?? {
      relation: "unknown" as const,
      scope: "runtime" as const,
      path: [t.name],
    };
    packages.push(makePackage("crates.io", t.name, t.version, { lockfile: input.path, line }, placement));
  });
  return { path: input.path, ecosystem: "crates.io", packages, skipped };
}

/** [dev-dependencies] of the Cargo.toml beside the lockfile: only they make a crate dev-only. */
async function devDependencyNames(input: LockfileInput): Promise<Set<string>> {
  const text = await input.sibling("Cargo.toml");
  if (text === undefined) return new Set();
  try {
    const doc = parseToml(text) as Record<string, unknown>;
    const runtime = new Set([
      ...Object.keys(table(doc.dependencies)),
      ...Object.keys(table(doc["build-dependencies"])),
    ]);
    return new Set(Object.keys(table(doc["dev-dependencies"])).filter((name) => !runtime.has(name)));
  } catch {
    return new Set();
  }
}

function table(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
