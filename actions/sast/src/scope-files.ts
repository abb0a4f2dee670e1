// In changed scope, which files each per-file tool reads: at the head, and at the merge base.

import type { SastTool } from "@secflow/kit";
import { type FileList, filesFor } from "./checkout-scan.ts";
import { coverageOf } from "./scope-report.ts";
import type { ToolScopes } from "./tool-scope.ts";

/** In changed scope, the files each per-file tool reads at the head: those the change touches. */
export function headLimits(scopes: ToolScopes): Map<SastTool, ReadonlySet<string>> {
  const limits = new Map<SastTool, ReadonlySet<string>>();
  if (scopes.change) for (const tool of scopes.perFile.keys()) limits.set(tool, scopes.change.touched);
  return limits;
}

/**
 * The base paths of the files each per-file tool read at the head (a rename's old path; an added
 * file has none), and the files their arguments name, which the base scan needs beside them.
 */
export function earlierFiles(
  tools: readonly SastTool[],
  listed: FileList,
  scopes: ToolScopes,
): { only: Map<SastTool, ReadonlySet<string>>; files: string[]; support: string[] } {
  const only = new Map<SastTool, ReadonlySet<string>>();
  const all = new Set<string>();
  const support = new Set<string>();
  const head = headLimits(scopes);
  for (const tool of tools) {
    const paths = new Set<string>();
    for (const file of coverageOf(tool, filesFor(tool, listed, head).files).files) {
      const earlier = scopes.change?.earlier.get(file);
      if (earlier !== undefined) paths.add(earlier);
    }
    only.set(tool, paths);
    for (const p of paths) all.add(p);
    for (const file of scopes.perFile.get(tool) ?? []) support.add(file);
  }
  return { only, files: [...all], support: [...support].filter((f) => !all.has(f)) };
}
