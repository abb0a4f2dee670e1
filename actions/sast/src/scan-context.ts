/** What a tool adapter needs to scan one checkout (the head, or the base in a worktree). */
export interface ScanContext {
  /** Absolute path of the repository root; result paths are relative to it. */
  repoRoot: string;
  /** Absolute path of the folder to scan (the `path` input), inside repoRoot. */
  scanRoot: string;
  /** Repository-relative paths of the files under scanRoot, ignore-paths already left out. */
  files: readonly string[];
  /**
   * Symbolic links under scanRoot that lead out of the repository (not in `files`): a tool that
   * walks folders itself must be told to leave them alone.
   */
  linksOut?: readonly string[];
  /** Extra arguments from secflow.yml (`sast.args.<tool>`). */
  args: readonly string[];
  /** Environment for tools (PATH may include where install-tools put them). */
  env: Record<string, string | undefined>;
  timeoutMs?: number;
}
