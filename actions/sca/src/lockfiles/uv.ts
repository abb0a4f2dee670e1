// uv.lock: [[package]] tables; the project itself has source { editable = "." } or
// { virtual = "." }, and its dependencies and dev-dependencies are the direct ones.

import { normalizeName } from "../ecosystems.ts";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { type GraphNode, placeNodes, type Root } from "./graph.ts";
import { isRecord, makePackage } from "./package.ts";
import { packageNameLines } from "./toml-blocks.ts";
import { tomlPackages } from "./toml-lock.ts";
import type { LockfileInput } from "./types.ts";

export async function parseUvLock(input: LockfileInput): Promise<ParsedLockfile> {
  const { packages: tables } = tomlPackages(input.path, input.text);
  const lines = packageNameLines(input.text);
  const skipped: Skip[] = [];
  // uv names a dependency by name, adding the version only when several are locked.
  const versionsOf = new Map<string, string[]>();
  for (const t of tables) {
    if (typeof t.name !== "string") continue;
    const n = normalizeName("PyPI", t.name);
    versionsOf.set(n, [...(versionsOf.get(n) ?? []), String(t.version ?? "")]);
  }
  const idOf = (dep: unknown): string[] => {
    if (!isRecord(dep) || typeof dep.name !== "string") return [];
    const n = normalizeName("PyPI", dep.name);
    const version = typeof dep.version === "string" ? dep.version : versionsOf.get(n)?.[0];
    return [`${n}@${version ?? ""}`];
  };
  const nodes = new Map<string, GraphNode>();
  const roots: Root[] = [];
  const local = (t: Record<string, unknown>) =>
    isRecord(t.source) && (t.source.editable !== undefined || t.source.virtual !== undefined);
  for (const t of tables) {
    if (typeof t.name !== "string") continue;
    const deps = [
      ...asList(t.dependencies),
      ...Object.values(isRecord(t["optional-dependencies"]) ? t["optional-dependencies"] : {}).flatMap(
        asList,
      ),
    ];
    const devDeps = Object.values(isRecord(t["dev-dependencies"]) ? t["dev-dependencies"] : {}).flatMap(
      asList,
    );
    if (local(t)) {
      for (const dep of deps) for (const id of idOf(dep)) roots.push({ id, dev: false });
      for (const dep of devDeps) for (const id of idOf(dep)) roots.push({ id, dev: true });
      continue;
    }
    nodes.set(`${normalizeName("PyPI", t.name)}@${String(t.version ?? "")}`, {
      name: t.name,
      dependencies: deps.flatMap(idOf),
    });
  }
  const placed = placeNodes(nodes, roots);
  const packages: Package[] = [];
  tables.forEach((t, i) => {
    const line = lines[i] ?? 1;
    if (local(t)) return;
    if (typeof t.name !== "string" || typeof t.version !== "string") {
      skipped.push({
        subject: `${input.path}:${line}`,
        reason: "a [[package]] without name or version (not from a registry?); not checked",
      });
      return;
    }
    const id = `${normalizeName("PyPI", t.name)}@${t.version}`;
    const placement = placed.get(id) ?? {
      relation: "unknown" as const,
      scope: "runtime" as const,
      path: [t.name],
    };
    packages.push(makePackage("PyPI", t.name, t.version, { lockfile: input.path, line }, placement));
  });
  return { path: input.path, ecosystem: "PyPI", packages, skipped };
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
