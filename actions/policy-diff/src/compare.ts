import { collapseAndSort } from "./change-list.ts";
import { classify, type Sensitivity } from "./classify.ts";
import { type CoverageRules, diffGrants, type GrantChange } from "./diff.ts";
import type { PolicyChange } from "./diff-file.ts";
import type { Grant, PolicySource } from "./grant.ts";
import type { Side } from "./read-side.ts";
import { diffCodeowners, type SelfOwnership } from "./readers/codeowners.ts";
import { enrolmentCoverage } from "./readers/enrolment.ts";
import { iamCoverage } from "./readers/iam.ts";
import { kubernetesCoverage } from "./readers/kubernetes.ts";
import { configCoverage, diffConfigSettings } from "./readers/secflow-config.ts";
import { workflowCoverage } from "./readers/workflow-permissions.ts";

const COVERAGE: Record<Exclude<PolicySource, "codeowners">, CoverageRules> = {
  enrolment: enrolmentCoverage,
  workflow: workflowCoverage,
  kubernetes: kubernetesCoverage,
  iam: iamCoverage,
  "secflow-config": configCoverage,
};

export interface CompareInput {
  base: Side;
  head: Side;
  /** Base path → head path of renamed files. */
  renames: ReadonlyMap<string, string>;
  /** Every file of either commit: CODEOWNERS rules are compared on them. */
  files: readonly string[];
  isSecurityOwner: (owner: string) => boolean;
  sensitivity: Sensitivity;
  /** Set in a pull request: its author becoming a code owner of a sensitive path escalates. */
  selfOwnership?: SelfOwnership;
}

/**
 * The classified changes between two commits. A file unreadable on either side is left out of
 * the comparison on both (the run lists it as unreadable), so it never shows up as removed.
 */
export function comparePolicies(input: CompareInput): PolicyChange[] {
  const { base, head, renames } = input;
  const toHead = (path: string) => renames.get(path) ?? path;
  const unreadable = new Set([
    ...base.unreadable.map((u) => toHead(u.file)),
    ...head.unreadable.map((u) => u.file),
  ]);
  const readable = (grants: Grant[], mapPath: (p: string) => string) =>
    grants.filter((g) => !unreadable.has(mapPath(g.file)));

  const changes: GrantChange[] = diffGrants(
    readable(base.grants, toHead),
    readable(head.grants, (p) => p),
    (source) => {
      const rules = COVERAGE[source as Exclude<PolicySource, "codeowners">];
      if (!rules) throw new Error(`no coverage rules for ${source}`);
      return rules;
    },
  );
  const configReadable = (side: Side) =>
    !side.unreadable.some((u) => side.policyFiles.get(u.file) === "secflow-config");
  if (configReadable(base) && configReadable(head))
    changes.push(...diffConfigSettings(base.config, head.config));
  const codeownersReadable = (side: Side) => !side.unreadable.some((u) => u.file === side.codeowners.path);
  if (
    codeownersReadable(base) &&
    codeownersReadable(head) &&
    (base.codeowners.path || head.codeowners.path)
  ) {
    changes.push(
      ...diffCodeowners(
        base.codeowners,
        head.codeowners,
        input.files,
        input.isSecurityOwner,
        input.selfOwnership,
      ),
    );
  }
  return collapseAndSort(changes.map((change) => classify(change, input.sensitivity)));
}
