import type { GrantChange } from "../diff.ts";
import type { Grant } from "../grant.ts";
import { type CodeownersRule, ownersOf, type SkippedLine } from "./codeowners-rules.ts";

/** How CODEOWNERS changes are judged. */
export interface CodeownersJudgement {
  /** Owners whose loss of paths is an escalation (policy.security-owners, else by name). */
  isSecurityOwner: (owner: string) => boolean;
  /**
   * Security-sensitive paths: `.github/**`, policy files, the secflow configuration and
   * `gate.sensitive-paths`. Left with no code owner, or owned by the pull request's author,
   * they escalate whoever the owner was.
   */
  isSensitive: (file: string) => boolean;
  /** The pull request's GitHub login (without the @); unset outside a pull request. */
  author?: string;
}

export interface CodeownersSide {
  /** The CODEOWNERS file in effect, if any. */
  path?: string;
  text?: string;
  rules: CodeownersRule[];
  /** Invalid lines, left out as GitHub leaves them out. */
  skipped: SkippedLine[];
}

/**
 * Who must review which files, compared by effect rather than by text: each file of either
 * commit is looked up in the base and in the head rules (the last matching rule wins, as on
 * GitHub), so reordering that changes nothing is no change, and a later rule that takes paths
 * away from the security team is. Files lost or gained by one owner through the same pair of
 * rules are one change.
 */
export function diffCodeowners(
  base: CodeownersSide,
  head: CodeownersSide,
  files: readonly string[],
  judgement: CodeownersJudgement,
): GrantChange[] {
  // The same rules give every file the same owners on both sides.
  if (base.text === head.text) return [];
  const { isSecurityOwner, isSensitive, author } = judgement;
  const groups = new Map<
    string,
    {
      owner: string;
      kind: "added" | "removed";
      from?: CodeownersRule;
      to?: CodeownersRule;
      files: string[];
      /** Security-sensitive files left with no code owner at all. */
      orphaned?: boolean;
    }
  >();
  for (const file of files) {
    const before = ownersOf(base.rules, file);
    const after = ownersOf(head.rules, file);
    const had = new Set(before?.owners ?? []);
    const has = new Set(after?.owners ?? []);
    const orphaned = has.size === 0 && isSensitive(file);
    const record = (owner: string, kind: "added" | "removed") => {
      const lost = kind === "removed" && orphaned && !isSecurityOwner(owner);
      const key = [owner, kind, before?.line ?? 0, after?.line ?? 0, lost].join("\0");
      const group = groups.get(key) ?? {
        owner,
        kind,
        ...(before ? { from: before } : {}),
        ...(after ? { to: after } : {}),
        files: [],
        ...(lost ? { orphaned: true } : {}),
      };
      group.files.push(file);
      groups.set(key, group);
    };
    for (const owner of had) if (!has.has(owner)) record(owner, "removed");
    for (const owner of has) if (!had.has(owner)) record(owner, "added");
  }
  const changes: GrantChange[] = [];
  for (const group of groups.values()) {
    const { owner, kind, to, files: gained } = group;
    if (kind !== "added" || !author || owner !== `@${author.toLowerCase()}`) continue;
    const sensitive = gained.filter((file) => isSensitive(file));
    if (sensitive.length === 0 || !to || !head.path) continue;
    changes.push(selfOwnershipChange(owner, to, head.path, sensitive));
    // The other files stay an ordinary (neutral) ownership change.
    group.files = gained.filter((file) => !isSensitive(file));
  }
  for (const { owner, kind, from, to, files: lost, orphaned } of groups.values()) {
    if (lost.length === 0) continue;
    const rule = kind === "removed" ? from : to;
    const count =
      lost.length === 1
        ? (lost[0] as string)
        : `${lost.length} ${orphaned ? "security-sensitive files" : "files"}`;
    const grant: Grant = {
      source: "codeowners",
      scope: owner,
      subject: owner,
      permission: "required code-owner review",
      joiner: " of ",
      resource: `${rule?.pattern ?? ""} (${count})`,
      // A required reviewer restricts merging: losing one widens what merges unreviewed.
      effect: "deny",
      conditions: [],
      file: (kind === "removed" ? base.path : head.path) ?? "CODEOWNERS",
      line: rule?.line ?? 1,
      risk: "high",
      ...(isSecurityOwner(owner)
        ? { why: "a security owner stops reviewing these paths" }
        : orphaned
          ? { why: "security-sensitive paths (.github/, policy files, secflow.yml) left with no code owner" }
          : { neutral: true }),
    };
    // Paths moved away to a later head rule are shown at that rule; paths whose rule is gone at
    // the base line.
    const location =
      kind === "removed" && to && head.path
        ? { file: head.path, line: to.line, side: "head" as const }
        : {
            file: grant.file,
            line: grant.line,
            side: kind === "removed" ? ("base" as const) : ("head" as const),
          };
    const counterpart: Grant[] =
      kind === "removed" && to
        ? [
            {
              ...grant,
              subject: to.owners.join(" ") || "no owner",
              resource: `${to.pattern} (${count})`,
              file: head.path ?? grant.file,
              line: to.line,
            },
          ]
        : [];
    changes.push({ kind, grant, location, counterparts: counterpart });
  }
  return changes;
}

/**
 * The author made themself a code owner of security-sensitive paths: from the next pull request
 * on, their approval satisfies the review of those paths. A new privilege, so an escalation.
 */
function selfOwnershipChange(
  owner: string,
  rule: CodeownersRule,
  file: string,
  paths: string[],
): GrantChange {
  const count = paths.length === 1 ? (paths[0] as string) : `${paths.length} security-sensitive files`;
  const grant: Grant = {
    source: "codeowners",
    scope: owner,
    subject: `${owner} (the pull request's author)`,
    permission: "code-owner approval",
    joiner: " of ",
    resource: `${rule.pattern} (${count})`,
    effect: "allow",
    conditions: [],
    file,
    line: rule.line,
    risk: "high",
    why: "their own approval now satisfies the code-owner review of security-sensitive paths",
  };
  return { kind: "added", grant, location: { file, line: rule.line, side: "head" }, counterparts: [] };
}
