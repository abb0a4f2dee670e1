import type { CommitConfig } from "./config-at.ts";
import type { UnreadableFile } from "./diff-file.ts";
import type { CommitTree } from "./git-tree.ts";
import type { Grant, PolicySource } from "./grant.ts";
import { describePolicyFileError, PolicyFileError, symbolicLinkError } from "./policy-file-error.ts";
import { assignSources, effectiveCodeowners, type IncludeGlobs } from "./policy-files.ts";
import type { CodeownersSide } from "./readers/codeowners.ts";
import { parseCodeowners } from "./readers/codeowners-rules.ts";
import { readEnrolment } from "./readers/enrolment.ts";
import { readIamPolicy } from "./readers/iam.ts";
import { rbacGrants } from "./readers/kubernetes.ts";
import { type RbacObjects, readRbacObjects } from "./readers/kubernetes-model.ts";
import type { PolicyText } from "./readers/policy-text.ts";
import type { ConfigSide } from "./readers/secflow-config.ts";
import { readWorkflow, type WorkflowContext } from "./readers/workflow.ts";

/** Everything read from one commit. */
export interface Side {
  ref: "base" | "head";
  grants: Grant[];
  config?: ConfigSide;
  codeowners: CodeownersSide;
  /** Policy files of this commit, by path, with their source. */
  policyFiles: Map<string, PolicySource>;
  unreadable: UnreadableFile[];
  /** Other Kubernetes objects seen (they grant nothing RBAC knows), for the log. */
  otherKubernetesObjects: number;
  /**
   * Files under the Kubernetes globs with documents that are no Kubernetes object (no apiVersion
   * or kind: kustomization.yaml, Chart.yaml, values files, patches), with how many: not policy.
   */
  notPolicy: Map<string, number>;
}

export interface ReadSideOptions {
  ref: "base" | "head";
  tree: CommitTree;
  include: IncludeGlobs;
  /** The secflow configuration of this commit, already read (its globs chose the files). */
  config: CommitConfig;
  /** Path in this commit → path in head (identity for renamed files). */
  toHeadPath: (path: string) => string;
  /** Facts about the repository the files do not say, the same for both commits. */
  context: WorkflowContext;
}

const READERS: Partial<Record<PolicySource, (file: PolicyText, context: WorkflowContext) => Grant[]>> = {
  enrolment: readEnrolment,
  workflow: readWorkflow,
  iam: readIamPolicy,
};

/**
 * Files that are the same at both commits (same path, same content, no rename): what a change of
 * the other files needs of them. See `splitUnchanged` in unchanged-files.ts.
 */
export interface UnchangedFiles {
  /** Not read at either commit: their grants are theirs alone (scoped by the file), so equal. */
  skip: ReadonlySet<string>;
  /** Read once, for both commits: other files' grants refer to what they hold. */
  once: ReadonlySet<string>;
  /** The parses of `once` files, filled by the first side that reads them. */
  parsed: Map<string, ParsedFile>;
}

/** What one policy file holds, as a side takes it in. */
type ParsedFile =
  | { kind: "grants"; grants: Grant[] }
  | { kind: "rbac"; objects: RbacObjects }
  | { kind: "codeowners"; side: CodeownersSide }
  | { kind: "unreadable"; reason: string };

/** How many policy files a side parsed itself, took from the other side's parse, and left unread. */
export interface SideReads {
  parsed: number;
  shared: number;
  skipped: number;
}

/** Reads and normalizes every policy file of one commit; unreadable files are recorded, not fatal. */
export async function readSide(
  options: ReadSideOptions,
  unchanged: UnchangedFiles = { skip: new Set(), once: new Set(), parsed: new Map() },
): Promise<Side & { reads: SideReads }> {
  const { ref, tree, include, config, toHeadPath, context } = options;
  const policyFiles = assignSources(tree.files.keys(), include, config.file);
  const side: Side = {
    ref,
    grants: [],
    codeowners: { rules: [], skipped: [] },
    policyFiles,
    unreadable: [],
    otherKubernetesObjects: 0,
    notPolicy: new Map(),
  };
  const reads: SideReads = { parsed: 0, shared: 0, skipped: 0 };
  const rbac: RbacObjects[] = [];

  // Read once, before the other files; an absent file is compared as the defaults.
  if (config.unreadable) side.unreadable.push({ file: config.file, ref, reason: config.unreadable });
  else if (config.side) {
    side.config = config.side;
    side.grants.push(...config.side.grants);
  }

  const codeownersPath = effectiveCodeowners(tree.files, include.codeowners);
  const jobs: [string, PolicySource | "codeowners"][] = [...policyFiles].filter(
    ([path, source]) => source !== "secflow-config" && !unchanged.skip.has(path),
  );
  reads.skipped = [...policyFiles.keys()].filter((path) => unchanged.skip.has(path)).length;
  if (codeownersPath) jobs.push([codeownersPath, "codeowners"]);

  const take = (path: string, source: PolicySource | "codeowners", parsed: ParsedFile) => {
    if (parsed.kind === "unreadable") {
      // Keep the path even if it cannot be read, so the comparison knows CODEOWNERS is unreadable.
      if (source === "codeowners") side.codeowners = { path, rules: [], skipped: [] };
      side.unreadable.push({ file: path, ref, reason: parsed.reason });
    } else if (parsed.kind === "codeowners") side.codeowners = parsed.side;
    else if (parsed.kind === "rbac") {
      rbac.push(parsed.objects);
      if (parsed.objects.notObjects > 0) side.notPolicy.set(path, parsed.objects.notObjects);
    } else side.grants.push(...parsed.grants);
  };
  // A file read once for both commits that the other side has parsed already.
  const sharedParse = (path: string, source: PolicySource | "codeowners") =>
    unchanged.once.has(path) ? unchanged.parsed.get(`${source}\0${path}`) : undefined;

  // A few git processes at a time: enough to overlap, few enough for a 2-core runner.
  for (let i = 0; i < jobs.length; i += 8) {
    const batch = jobs.slice(i, i + 8);
    const texts = await Promise.all(
      batch.map(([path, source]) => (sharedParse(path, source) ? undefined : tree.read(path))),
    );
    batch.forEach(([path, source], j) => {
      let parsed = sharedParse(path, source);
      if (parsed) reads.shared++;
      else {
        const file: PolicyText = { path, identityPath: toHeadPath(path), text: texts[j] ?? "" };
        parsed = parseFile(file, source, tree, context);
        reads.parsed++;
        if (unchanged.once.has(path)) unchanged.parsed.set(`${source}\0${path}`, parsed);
      }
      take(path, source, parsed);
    });
  }
  side.grants.push(...rbacGrants(rbac));
  side.otherKubernetesObjects = rbac.reduce((n, o) => n + o.otherObjects, 0);
  return { ...side, reads };
}

/** One policy file read by its source's reader; a file the reader cannot read is unreadable. */
function parseFile(
  file: PolicyText,
  source: PolicySource | "codeowners",
  tree: CommitTree,
  context: WorkflowContext,
): ParsedFile {
  try {
    if (tree.links.has(file.path)) throw symbolicLinkError();
    if (source === "codeowners") {
      return {
        kind: "codeowners",
        side: { path: file.path, text: file.text, ...parseCodeowners(file.text) },
      };
    }
    if (source === "kubernetes") return { kind: "rbac", objects: readRbacObjects(file) };
    return { kind: "grants", grants: READERS[source]?.(file, context) ?? [] };
  } catch (error) {
    if (!(error instanceof PolicyFileError)) throw error;
    return { kind: "unreadable", reason: describePolicyFileError(error) };
  }
}
