import { UserError } from "@secflow/errors";
import { CONFIG_PATH, type SecflowConfig } from "@secflow/kit";
import type { CommitTree } from "./git-tree.ts";
import { describePolicyFileError, PolicyFileError, symbolicLinkError } from "./policy-file-error.ts";
import { type ConfigSide, readSecflowConfig } from "./readers/secflow-config.ts";

/** The secflow configuration as committed at one commit. */
export interface CommitConfig {
  /** Repository-relative path. */
  file: string;
  found: boolean;
  /** Its grants and settings (an absent file is read as the defaults); unset when unreadable. */
  side?: ConfigSide;
  /** Why it cannot be read ("line 6: …"); readSide lists it as unreadable with this reason. */
  unreadable?: string;
}

/**
 * Reads the configuration from a commit's tree, once, with the kit's parser (through
 * readSecflowConfig): its include globs choose the other policy files, and its grants are
 * compared like theirs. A file that does not parse or is a symbolic link is not a silent
 * default: it is recorded as unreadable, and the run lists it like any unreadable policy file.
 */
export async function configAt(tree: CommitTree, file: string): Promise<CommitConfig> {
  const text = await tree.read(file);
  const policyText = { path: file, identityPath: file, text: text ?? "" };
  if (text === undefined) return { file, found: false, side: readSecflowConfig(policyText) };
  try {
    if (tree.links.has(file)) throw symbolicLinkError();
    return { file, found: true, side: readSecflowConfig(policyText) };
  } catch (error) {
    if (!(error instanceof PolicyFileError)) throw error;
    return { file, found: true, unreadable: describePolicyFileError(error) };
  }
}

/** The settings in force: the file's; the defaults when it is absent or unreadable (said so elsewhere). */
export function settingsOf(config: CommitConfig): SecflowConfig {
  return config.side?.config ?? {};
}

/** A configuration named by the `config` input must exist at one of the commits at least. */
export function requireNamedConfig(
  base: CommitConfig,
  head: CommitConfig,
  commits: { baseSha: string; headSha: string },
): void {
  if (base.found || head.found) return;
  throw new UserError(
    `The configuration file ${base.file} named by the "config" input does not exist at the base commit ${commits.baseSha.slice(0, 12)} nor at the head commit ${commits.headSha.slice(0, 12)}; fix the path or leave the input out to use ${CONFIG_PATH}.`,
  );
}
