import { renames as renamedFiles, type SecflowConfig } from "@secflow/kit";
import type { ComparedCommits } from "./commits.ts";
import { type CommitConfig, configAt, requireNamedConfig, settingsOf } from "./config-at.ts";
import { CommitTree } from "./git-tree.ts";
import { DEFAULT_INCLUDE, INCLUDE_KINDS, type IncludeGlobs } from "./policy-files.ts";
import { readSide, type Side, type SideReads } from "./read-side.ts";
import type { DefaultPermissions } from "./readers/workflow-risk.ts";
import { unchangedFiles } from "./unchanged-files.ts";
import { splitUnreadable, type UnreadableSplit } from "./unreadable-files.ts";

/** The policy of both commits, read straight from git (no checkout). */
export interface PolicyAtCommits {
  base: Side;
  head: Side;
  /** The secflow configuration in force at each commit (the defaults when absent or unreadable). */
  baseConfig: SecflowConfig;
  headConfig: SecflowConfig;
  /** Base path → head path of renamed files. */
  renames: Map<string, string>;
  /** Every file of either commit. */
  files: string[];
  /** Unreadable policy files: those whose content changed are unchecked, the others noted. */
  unreadable: UnreadableSplit;
  /** Where the configuration is read from (repository-relative). */
  configFile: string;
  /** What a job without `permissions:` gets, and whether the team said so or it is assumed. */
  defaultPermissions: { setting: DefaultPermissions; assumed: boolean };
  /** How many policy files each commit parsed, took from the other's parse, and left unread. */
  reads: { base: SideReads; head: SideReads };
}

export interface PolicyFileOptions {
  /** The root of the repository. */
  root: string;
  /** Repository-relative path of the secflow configuration. */
  configFile: string;
  /** Named by the `config` input: it must exist at one of the commits. */
  configNamed: boolean;
  /** Globs from the `include` input. */
  include: Partial<IncludeGlobs>;
  /** Read every policy file at both commits, unchanged ones too (benchmarks and tests). */
  readAll?: boolean;
}

export async function readPolicyAtCommits(
  commits: ComparedCommits,
  options: PolicyFileOptions,
): Promise<PolicyAtCommits> {
  const { root, configFile } = options;
  const blobs = new Map<string, Promise<string>>();
  const [baseTree, headTree, renames] = await Promise.all([
    CommitTree.list(root, commits.baseSha, blobs),
    CommitTree.list(root, commits.headSha, blobs),
    renamedFiles(root, commits.baseSha, commits.headSha),
  ]);
  const [baseConfig, headConfig] = await Promise.all([
    configAt(baseTree, configFile),
    configAt(headTree, configFile),
  ]);
  if (options.configNamed) requireNamedConfig(baseConfig, headConfig, commits);
  const include = includeGlobs(options.include, [baseConfig, headConfig]);
  // From the base, like every setting that judges the pull request: it cannot declare its own
  // repository default. Without it, GitHub's default for new repositories, said in the summary.
  const declared = settingsOf(baseConfig).policy?.workflows?.["default-permissions"];
  const defaultPermissions = { setting: declared ?? "restricted", assumed: declared === undefined } as const;
  const context = { defaultPermissions: defaultPermissions.setting };
  // Files the change did not touch are read once (their parse serves both commits) or, when
  // nothing else refers to them, not at all: the head is read first, the base reuses its parses.
  const unchanged = options.readAll
    ? undefined
    : await unchangedFiles({ baseTree, headTree, renames, include, configFile });
  const head = await readSide(
    { ref: "head", tree: headTree, include, config: headConfig, toHeadPath: (p) => p, context },
    unchanged,
  );
  const base = await readSide(
    {
      ref: "base",
      tree: baseTree,
      include,
      config: baseConfig,
      toHeadPath: (p) => renames.get(p) ?? p,
      context,
    },
    unchanged,
  );
  return {
    base,
    head,
    baseConfig: settingsOf(baseConfig),
    headConfig: settingsOf(headConfig),
    renames,
    files: [...new Set([...baseTree.files.keys(), ...headTree.files.keys()])],
    unreadable: await splitUnreadable({ base, head, baseTree, headTree, renames }),
    configFile,
    defaultPermissions,
    reads: { base: base.reads, head: head.reads },
  };
}

/** The input's globs for a kind, else those set in secflow.yml at either commit, else the defaults. */
function includeGlobs(fromInput: Partial<IncludeGlobs>, configs: CommitConfig[]): IncludeGlobs {
  const globs = {} as IncludeGlobs;
  for (const kind of INCLUDE_KINDS) {
    const configured = [...new Set(configs.flatMap((c) => settingsOf(c).policy?.include?.[kind] ?? []))];
    globs[kind] = fromInput[kind] ?? (configured.length ? configured : DEFAULT_INCLUDE[kind]);
  }
  return globs;
}
