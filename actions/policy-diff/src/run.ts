import { pathToFileURL } from "node:url";
import { UserError } from "@secflow/errors";
import { type ActionIO, pullRequestContext, type SecflowConfig, type StepOutcome } from "@secflow/kit";
import { formatIssues, maxSeverity, validate, writeSarifFile } from "@secflow/sarif";
import pkg from "../package.json" with { type: "json" };
import { comparePolicies } from "./compare.ts";
import { countChanges, type PolicyDiff, writeDiffFile } from "./diff-file.ts";
import { CommitTree } from "./git-tree.ts";
import type { Options } from "./options.ts";
import { DEFAULT_INCLUDE, INCLUDE_KINDS, type IncludeGlobs } from "./policy-files.ts";
import { readSide } from "./read-side.ts";
import { readSecflowConfig } from "./readers/secflow-config.ts";
import { buildSarif } from "./sarif-report.ts";
import { privilegeDiffMarkdown } from "./summary.ts";

export type { PolicyChange, PolicyDiff } from "./diff-file.ts";
export { type Options, readOptions } from "./options.ts";

export interface Outcome extends StepOutcome {
  diff: PolicyDiff;
}

/**
 * Reads the security policy at the base (merge base) and head commits straight from git,
 * compares the grants, and writes the SARIF, the diff JSON for the gate, the summary and the
 * outputs. It never fails the step on what changed: deciding is the gate's job.
 */
export async function run(options: Options, io: ActionIO): Promise<Outcome> {
  const { cwd } = options;
  const context = await pullRequestContext({
    cwd,
    env: options.env,
    ...(options.base ? { base: options.base } : {}),
    ...(options.head ? { head: options.head } : {}),
  });
  if (!context.mergeBaseSha) {
    throw new UserError(
      `${context.warning ?? "The base and head commits are not both in the clone."} policy-diff reads the policy at both commits, so it needs them.`,
    );
  }
  const [baseSha, headSha] = [context.mergeBaseSha, context.headSha];
  const blobs = new Map<string, Promise<string>>();
  const [baseTree, headTree] = await Promise.all([
    CommitTree.list(cwd, baseSha, blobs),
    CommitTree.list(cwd, headSha, blobs),
  ]);
  const renames = new Map(
    context.changedFiles.flatMap((f) =>
      f.status === "renamed" && f.previousPath ? [[f.previousPath, f.path] as const] : [],
    ),
  );

  const [baseConfig, headConfig] = await Promise.all([
    configAt(baseTree, options.configPath),
    configAt(headTree, options.configPath),
  ]);
  const include = includeGlobs(options.include, [baseConfig, headConfig]);
  const [base, head] = await Promise.all([
    readSide({
      ref: "base",
      tree: baseTree,
      include,
      configPath: options.configPath,
      toHeadPath: (p) => renames.get(p) ?? p,
    }),
    readSide({ ref: "head", tree: headTree, include, configPath: options.configPath, toHeadPath: (p) => p }),
  ]);

  // Marks from either commit count: a pull request cannot unmark what it touches.
  const policyOf = [baseConfig?.policy, headConfig?.policy];
  const securityOwners = new Set(
    policyOf.flatMap((p) => p?.["security-owners"] ?? []).map((o) => o.toLowerCase()),
  );
  const overrides = baseConfig?.["severity-overrides"] ?? {};
  const changes = comparePolicies({
    base,
    head,
    renames,
    files: [...new Set([...baseTree.files.keys(), ...headTree.files.keys()])],
    isSecurityOwner: (owner) =>
      securityOwners.size ? securityOwners.has(owner) : /secur|appsec|infosec/i.test(owner),
    sensitivity: {
      resources: policyOf.flatMap((p) => p?.["sensitive-resources"] ?? []),
      secrets: policyOf.flatMap((p) => p?.["sensitive-secrets"] ?? []),
    },
  }).map((change) => {
    // A team's override applies to the change as to the SARIF rule; it comes from the base so a
    // pull request cannot lower the severity of its own changes.
    const override = overrides[change.ruleId];
    return override ? { ...change, severity: override } : change;
  });
  const diff: PolicyDiff = {
    version: 1,
    base: baseSha,
    head: headSha,
    changes,
    unreadable: [...base.unreadable, ...head.unreadable],
    counts: countChanges(changes),
  };

  const team = baseConfig?.team ?? headConfig?.team;
  const repository = options.env.GITHUB_REPOSITORY
    ? `${options.env.GITHUB_SERVER_URL ?? "https://github.com"}/${options.env.GITHUB_REPOSITORY}`
    : undefined;
  const log = buildSarif(diff, {
    actionVersion: pkg.version,
    ...(team ? { team } : {}),
    ...(repository ? { repository: { uri: repository, revisionId: headSha } } : {}),
    baseRef: baseSha,
    headRef: headSha,
    srcRoot: pathToFileURL(cwd).href,
  });
  const check = validate(log);
  if (!check.valid)
    throw new Error(`policy-diff built invalid SARIF (a bug):\n${formatIssues(check.issues)}`);
  await writeSarifFile(options.output, log);
  await writeDiffFile(options.diffOutput, diff);

  const policyRenames = new Map(
    [...renames].filter(([from, to]) => base.policyFiles.has(from) || head.policyFiles.has(to)),
  );
  report(diff, base.otherKubernetesObjects + head.otherKubernetesObjects, policyRenames, io);
  await io.appendSummary(privilegeDiffMarkdown(diff, policyRenames));
  io.setOutput("sarif-file", options.output);
  io.setOutput("diff-file", options.diffOutput);
  io.setOutput("changes", diff.changes.length);
  io.setOutput("escalations", diff.counts.escalations);
  io.setOutput("unreadable", diff.unreadable.length);
  io.setOutput("max-severity", maxSeverity(diff.changes.map((c) => c.severity)) ?? "none");
  return { diff };
}

async function configAt(tree: CommitTree, configPath: string): Promise<SecflowConfig | undefined> {
  const text = await tree.read(configPath);
  if (text === undefined) return undefined;
  try {
    // Only for include globs and marks; an unreadable config is reported by readSide.
    return readSecflowConfig({ path: configPath, identityPath: configPath, text }).config;
  } catch {
    return undefined;
  }
}

/** The input's globs for a kind, else those set in secflow.yml at either commit, else the defaults. */
function includeGlobs(
  fromInput: Partial<IncludeGlobs>,
  configs: (SecflowConfig | undefined)[],
): IncludeGlobs {
  const globs = {} as IncludeGlobs;
  for (const kind of INCLUDE_KINDS) {
    const configured = [...new Set(configs.flatMap((c) => c?.policy?.include?.[kind] ?? []))];
    globs[kind] = fromInput[kind] ?? (configured.length ? configured : DEFAULT_INCLUDE[kind]);
  }
  return globs;
}

function report(
  diff: PolicyDiff,
  otherObjects: number,
  renames: ReadonlyMap<string, string>,
  io: ActionIO,
): void {
  const { counts } = diff;
  io.info(
    `Compared ${diff.base.slice(0, 12)}..${diff.head.slice(0, 12)}: ${plural(diff.changes.length, "change")} ` +
      `(${plural(counts.escalations, "escalation")}, ${plural(counts.widenings, "widening")}, ${counts.neutral} neutral, ${plural(counts.reductions, "reduction")}).`,
  );
  if (otherObjects)
    io.info(`Skipped ${otherObjects} Kubernetes objects that are not RBAC (they grant no RBAC permission).`);
  for (const [from, to] of renames) io.info(`Renamed policy file: ${from} → ${to} (compared as one file)`);
  for (const u of diff.unreadable) {
    const line = /^line (\d+):/.exec(u.reason)?.[1];
    io.warning(
      `Could not read ${u.file} at the ${u.ref} commit: ${u.reason}`,
      u.ref === "head" ? { file: u.file, ...(line ? { startLine: Number(line) } : {}) } : undefined,
    );
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
