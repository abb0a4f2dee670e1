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

/** Reads and normalizes every policy file of one commit; unreadable files are recorded, not fatal. */
export async function readSide(options: ReadSideOptions): Promise<Side> {
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
  const rbac: RbacObjects[] = [];

  // Read once, before the other files; an absent file is compared as the defaults.
  if (config.unreadable) side.unreadable.push({ file: config.file, ref, reason: config.unreadable });
  else if (config.side) {
    side.config = config.side;
    side.grants.push(...config.side.grants);
  }

  const codeownersPath = effectiveCodeowners(tree.files, include.codeowners);
  const jobs: [string, PolicySource | "codeowners"][] = [...policyFiles].filter(
    ([, source]) => source !== "secflow-config",
  );
  if (codeownersPath) jobs.push([codeownersPath, "codeowners"]);

  // A few git processes at a time: enough to overlap, few enough for a 2-core runner.
  for (let i = 0; i < jobs.length; i += 8) {
    const batch = jobs.slice(i, i + 8);
    const texts = await Promise.all(batch.map(([path]) => tree.read(path)));
    batch.forEach(([path, source], j) => {
      const file: PolicyText = { path, identityPath: toHeadPath(path), text: texts[j] ?? "" };
      try {
        // Keep the path even if it cannot be read, so the comparison knows CODEOWNERS is unreadable.
        if (source === "codeowners") side.codeowners = { path, rules: [], skipped: [] };
        if (tree.links.has(path)) throw symbolicLinkError();
        if (source === "codeowners") {
          side.codeowners = { path, text: file.text, ...parseCodeowners(file.text) };
        } else if (source === "kubernetes") {
          const objects = readRbacObjects(file);
          rbac.push(objects);
          if (objects.notObjects > 0) side.notPolicy.set(path, objects.notObjects);
        } else side.grants.push(...(READERS[source]?.(file, context) ?? []));
      } catch (error) {
        if (!(error instanceof PolicyFileError)) throw error;
        side.unreadable.push({ file: path, ref, reason: describePolicyFileError(error) });
      }
    });
  }
  side.grants.push(...rbacGrants(rbac));
  side.otherKubernetesObjects = rbac.reduce((n, o) => n + o.otherObjects, 0);
  return side;
}
