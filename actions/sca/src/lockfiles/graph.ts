// From a lockfile's dependency graph to what each package is to the project: direct or
// transitive, runtime or dev-only, and the shortest chain of dependencies that brings it in.

import { PROJECT, type Relation, type Scope } from "../model.ts";

export interface GraphNode {
  name: string;
  /** Ids of the nodes it depends on. */
  dependencies: string[];
}

export interface Root {
  id: string;
  dev: boolean;
}

export interface Placement {
  relation: Relation;
  scope: Scope;
  /** Names from a direct dependency down to the node. */
  path: string[];
  /** Names of the nodes that depend on it; PROJECT for a direct dependency. */
  dependents?: string[];
}

/**
 * Breadth-first from the project's direct dependencies: runtime roots first, so anything a
 * runtime dependency needs is runtime even when a dev dependency needs it too. Nodes no root
 * reaches are kept as transitive runtime dependencies rather than dropped.
 */
export function placeNodes(
  nodes: ReadonlyMap<string, GraphNode>,
  roots: readonly Root[],
): Map<string, Placement> {
  const placed = new Map<string, Placement>();
  const direct = new Set(roots.map((r) => r.id));
  for (const dev of [false, true]) {
    const queue: string[] = [];
    for (const root of roots) {
      if (root.dev !== dev || placed.has(root.id) || !nodes.has(root.id)) continue;
      placed.set(root.id, {
        relation: "direct",
        scope: dev ? "dev" : "runtime",
        path: [nodes.get(root.id)?.name ?? root.id],
      });
      queue.push(root.id);
    }
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head] as string;
      const from = placed.get(id) as Placement;
      for (const dep of nodes.get(id)?.dependencies ?? []) {
        if (placed.has(dep) || !nodes.has(dep)) continue;
        placed.set(dep, {
          relation: direct.has(dep) ? "direct" : "transitive",
          scope: dev ? "dev" : "runtime",
          path: [...from.path, nodes.get(dep)?.name ?? dep],
        });
        queue.push(dep);
      }
    }
  }
  for (const [id, node] of nodes) {
    if (!placed.has(id))
      placed.set(id, {
        relation: roots.length ? "transitive" : "unknown",
        scope: "runtime",
        path: [node.name],
      });
  }
  if (roots.length === 0) return placed; // no graph from the project: who depends on what is unknown
  const dependents = new Map<string, Set<string>>();
  const addDependent = (id: string, name: string) => {
    let set = dependents.get(id);
    if (!set) dependents.set(id, (set = new Set()));
    set.add(name);
  };
  for (const root of roots) addDependent(root.id, PROJECT);
  for (const node of nodes.values()) for (const dep of node.dependencies) addDependent(dep, node.name);
  for (const [id, placement] of placed) placement.dependents = [...(dependents.get(id) ?? [])].sort();
  return placed;
}
