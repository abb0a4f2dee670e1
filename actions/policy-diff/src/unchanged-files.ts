// Which policy files a change leaves as they were, and what the comparison needs of them. A file
// with the same content at the same path at both commits (no rename) yields the same grants at
// both: no change can come from it. An IAM policy's grants are its own (scoped by its path), so
// such a file is not read at all. Other sources' grants meet across files: a binding names a role
// defined elsewhere, an aggregated ClusterRole takes in others' rules, a service is enrolled by
// name, a job moves between workflows, CODEOWNERS covers every path. Those are read once, the
// parse standing for both commits, so what changed is judged against everything they hold.

import type { CommitTree } from "./git-tree.ts";
import { assignSources, effectiveCodeowners, type IncludeGlobs } from "./policy-files.ts";
import type { UnchangedFiles } from "./read-side.ts";

/** Sources whose grants are scoped by their file: one file's grants never meet another's. */
const OWN_SCOPE = new Set(["iam"]);

export async function unchangedFiles(input: {
  baseTree: CommitTree;
  headTree: CommitTree;
  /** Base path → head path of renamed files: compared under two paths, so never "the same". */
  renames: ReadonlyMap<string, string>;
  include: IncludeGlobs;
  configFile: string;
}): Promise<UnchangedFiles> {
  const { baseTree, headTree, renames, include, configFile } = input;
  const renamed = new Set([...renames.keys(), ...renames.values()]);
  const candidates = [...assignSources(headTree.files.keys(), include, configFile)].filter(
    ([path, source]) => source !== "secflow-config" && !renamed.has(path) && baseTree.files.has(path),
  );
  const codeowners = effectiveCodeowners(headTree.files, include.codeowners);
  const skip = new Set<string>();
  const once = new Set<string>();
  const same = async (path: string) => {
    const [before, after] = await Promise.all([baseTree.contentId(path), headTree.contentId(path)]);
    return before !== undefined && before === after;
  };
  for (const [path, source] of candidates) {
    if (await same(path)) (OWN_SCOPE.has(source) ? skip : once).add(path);
  }
  // The CODEOWNERS file in effect at both commits, unchanged: its rules are read once.
  if (
    codeowners &&
    codeowners === effectiveCodeowners(baseTree.files, include.codeowners) &&
    !renamed.has(codeowners) &&
    !skip.has(codeowners) &&
    (await same(codeowners))
  )
    once.add(codeowners);
  return { skip, once, parsed: new Map() };
}
