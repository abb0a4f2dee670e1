// poetry.lock: [[package]] tables with name, version, dependencies and, by Poetry version,
// "category" (main/dev, before 1.5) or "groups" (2.x). pyproject.toml beside it names the
// direct dependencies.

import { normalizeName } from "../ecosystems.ts";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { type GraphNode, placeNodes, type Root } from "./graph.ts";
import { isRecord, makePackage } from "./package.ts";
import { pyprojectDirect } from "./python-manifest.ts";
import { packageNameLines } from "./toml-blocks.ts";
import { tomlPackages } from "./toml-lock.ts";
import type { LockfileInput } from "./types.ts";

export async function parsePoetryLock(input: LockfileInput): Promise<ParsedLockfile> {
  const { packages: tables } = tomlPackages(input.path, input.text);
  const lines = packageNameLines(input.text);
  const direct = pyprojectDirect(await input.sibling("pyproject.toml"));
  const skipped: Skip[] = [];
  const nodes = new Map<string, GraphNode>();
  tables.forEach((table) => {
    if (typeof table.name !== "string") return;
    const id = normalizeName("PyPI", table.name);
    const deps = Object.keys(isRecord(table.dependencies) ? table.dependencies : {}).map((n) =>
      normalizeName("PyPI", n),
    );
    nodes.set(id, { name: table.name, dependencies: deps });
  });
  const roots: Root[] = [
    ...[...(direct?.runtime ?? [])].map((id) => ({ id, dev: false })),
    ...[...(direct?.dev ?? [])].map((id) => ({ id, dev: true })),
  ];
  const placed = placeNodes(nodes, roots);
  const packages: Package[] = [];
  tables.forEach((table, i) => {
    const line = lines[i] ?? 1;
    if (typeof table.name !== "string" || typeof table.version !== "string") {
      skipped.push({
        subject: `${input.path}:${line}`,
        reason: "a [[package]] without name or version; not checked",
      });
      return;
    }
    const placement = {
      ...(placed.get(normalizeName("PyPI", table.name)) ?? {
        relation: "unknown" as const,
        scope: "runtime" as const,
        path: [table.name],
      }),
    };
    // The lockfile's own word on dev-only packages, where it has one.
    if (table.category === "dev") placement.scope = "dev";
    if (Array.isArray(table.groups) && table.groups.length > 0)
      placement.scope = table.groups.includes("main") ? "runtime" : "dev";
    packages.push(makePackage("PyPI", table.name, table.version, { lockfile: input.path, line }, placement));
  });
  return { path: input.path, ecosystem: "PyPI", packages, skipped };
}
