import { collapseAndSort } from "./change-list.ts";
import { classify, type Sensitivity } from "./classify.ts";
import {
  type CoverageRules,
  diffGrants,
  type GrantChange,
  type GrantMove,
  type ScopeRename,
} from "./diff.ts";
import type { ReportedChange } from "./diff-file.ts";
import type { Grant, PolicySource } from "./grant.ts";
import type { Side } from "./read-side.ts";
import { type CodeownersJudgement, diffCodeowners } from "./readers/codeowners.ts";
import { enrolmentCoverage } from "./readers/enrolment.ts";
import { iamCoverage } from "./readers/iam.ts";
import { boundSubjects, kubernetesCoverage } from "./readers/kubernetes.ts";
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
  /** Who guards security paths, and which paths those are (see CodeownersJudgement). */
  codeowners: CodeownersJudgement;
  sensitivity: Sensitivity;
}

export interface Comparison {
  changes: ReportedChange[];
  /** Grants that only moved to another file: no change, said in the notes. */
  moves: GrantMove[];
  /** Owners compared under a new name (a job renamed or moved, a role renamed). */
  renamed: ScopeRename[];
}

/**
 * The classified changes between two commits. A file unreadable on either side is left out of
 * the comparison on both (the run lists it as unreadable), so it never shows up as removed.
 */
export function comparePolicies(input: CompareInput): Comparison {
  const { base, head, renames } = input;
  const toHead = (path: string) => renames.get(path) ?? path;
  const unreadable = new Set([
    ...base.unreadable.map((u) => toHead(u.file)),
    ...head.unreadable.map((u) => u.file),
  ]);
  const readable = (grants: Grant[], mapPath: (p: string) => string) =>
    grants.filter((g) => !unreadable.has(mapPath(g.file)));
  // A file added or deleted by the change: a statement moving into or out of it is a split or merge.
  const baseFiles = new Set([...base.policyFiles.keys()].map(toHead));
  const headFiles = new Set(head.policyFiles.keys());
  const reorganised = (baseFile: string, headFile: string) =>
    !headFiles.has(toHead(baseFile)) || !baseFiles.has(headFile);

  const diff = diffGrants(
    readable(base.grants, toHead),
    readable(head.grants, (p) => p),
    (source) => {
      const rules = COVERAGE[source as Exclude<PolicySource, "codeowners">];
      if (!rules) throw new Error(`no coverage rules for ${source}`);
      return rules;
    },
    { reorganised },
  );
  const changes: GrantChange[] = [...diff.changes];
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
    changes.push(...diffCodeowners(base.codeowners, head.codeowners, input.files, input.codeowners));
  }
  const holders = { base: boundSubjects(base.grants), head: boundSubjects(head.grants) };
  const classified = changes.map((change) =>
    nameHolders(classify(change, input.sensitivity), change, holders),
  );
  return { changes: collapseAndSort(classified), moves: diff.moves, renamed: diff.renamed };
}

/** Most holders named in a row; more are counted. */
const MAX_HOLDERS = 5;

/**
 * A change to an RBAC role names who holds it: the subjects its bindings name (at head; at the
 * base for a removal), so a reviewer reads who gains what.
 */
function nameHolders(
  change: ReportedChange,
  grantChange: GrantChange,
  holders: { base: Map<string, string[]>; head: Map<string, string[]> },
): ReportedChange {
  const { grant } = grantChange;
  if (grant.source !== "kubernetes" || grant.permission.startsWith("bound to ")) return change;
  const bound = (change.kind === "removed" ? holders.base : holders.head).get(grant.scope) ?? [];
  const named = bound.slice(0, MAX_HOLDERS).join(", ");
  const more = bound.length > MAX_HOLDERS ? ` and ${bound.length - MAX_HOLDERS} more` : "";
  return {
    ...change,
    subject: `${change.subject} (${bound.length ? `bound to ${named}${more}` : "bound to no subject in the files read"})`,
  };
}
