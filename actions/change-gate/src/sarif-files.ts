import { stat } from "node:fs/promises";
import path from "node:path";
import { walkFiles } from "@secflow/kit";
import type { Problem } from "./reasons.ts";

// A downloaded artifact folder holds the SARIF of several jobs; these are the names they use.
const SARIF_NAMES = ["**/*.sarif", "**/*.sarif.json"];
const GLOB_SEGMENT = /[*?[\]{}]|[@!+]\(/;

export interface ExpandedFiles {
  /** Absolute paths, each once, in the order the patterns named them. */
  files: string[];
  problems: Problem[];
}

/**
 * Turns the `sarif` input into files: each entry is a file, a folder (every SARIF file under
 * it) or a glob. An entry that names nothing is a problem, never silently an empty list.
 */
export async function expandSarifPatterns(
  patterns: readonly string[],
  workspace: string,
): Promise<ExpandedFiles> {
  const files: string[] = [];
  const problems: Problem[] = [];
  for (const pattern of patterns) {
    const found = await expand(pattern, workspace);
    if (typeof found === "string") problems.push({ rule: "gate/missing-input", message: found });
    else for (const file of found) if (!files.includes(file)) files.push(file);
  }
  return { files, problems };
}

async function expand(pattern: string, workspace: string): Promise<string[] | string> {
  const absolute = path.resolve(workspace, pattern);
  const info = await stat(absolute).catch(() => undefined);
  if (info?.isFile()) return [absolute];
  if (info?.isDirectory()) {
    const found = await walkFiles(absolute, { include: SARIF_NAMES });
    return found.length
      ? found.map((f) => path.join(absolute, f))
      : `SARIF folder ${JSON.stringify(pattern)} holds no .sarif or .sarif.json file (did the job that writes it run and upload it?)`;
  }
  const segments = pattern.split(/[\\/]/);
  const firstGlob = segments.findIndex((s) => GLOB_SEGMENT.test(s));
  if (firstGlob === -1) {
    return `SARIF file ${JSON.stringify(pattern)} does not exist (did the job that writes it run and upload it?)`;
  }
  // Walk only from the static part of the glob, so an absolute glob does not walk the workspace.
  const root = path.resolve(workspace, segments.slice(0, firstGlob).join("/") || ".");
  const rootInfo = await stat(root).catch(() => undefined);
  const found = rootInfo?.isDirectory()
    ? await walkFiles(root, { include: [segments.slice(firstGlob).join("/")] })
    : [];
  return found.length
    ? found.map((f) => path.join(root, f))
    : `SARIF glob ${JSON.stringify(pattern)} matches no file (did the job that writes it run and upload it?)`;
}
