import type { ToolReport } from "./report.ts";

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
  /**
   * The same tool's scan of other files (a change's earlier versions, in their own folder), for
   * an adapter that can read both in one run of the tool (Bandit: one Python start, not two).
   * The adapter sets `report` when it did; otherwise that scan runs on its own later.
   */
  alongside?: { context: ScanContext; report?: ToolReport };
}
