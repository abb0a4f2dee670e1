import { type ActionIO, type SastTool, type SecflowConfig, type Workspace, walkFiles } from "@secflow/kit";
import type { ToolReport } from "./report.ts";
import { scan } from "./scan.ts";
import type { Tuning } from "./tuning.ts";

/** A checkout to scan: the workspace itself, or the base commit in a worktree. */
export type Checkout = Pick<Workspace, "root" | "scanRoot" | "prefix">;

/** Repository-relative paths of the files under the scanned folder, ignore-paths left out. */
export async function listFiles(checkout: Checkout, tuning: Tuning): Promise<string[]> {
  const prefix = checkout.prefix === "" ? "" : `${checkout.prefix}/`;
  return (await walkFiles(checkout.scanRoot)).map((f) => prefix + f).filter((f) => !tuning.ignored(f));
}

export interface CheckoutScanOptions {
  tools: readonly SastTool[];
  config: SecflowConfig;
  tuning: Tuning;
  env: Record<string, string | undefined>;
  io: ActionIO;
  /** "head" or "base", for the log. */
  label: string;
  /** The files, when the caller listed them already. */
  files?: string[];
}

/** Runs the selected tools on one checkout (the head, or the base in a worktree). */
export async function scanCheckout(checkout: Checkout, options: CheckoutScanOptions): Promise<ToolReport[]> {
  const files = options.files ?? (await listFiles(checkout, options.tuning));
  return scan(
    options.tools,
    (tool) => ({
      repoRoot: checkout.root,
      scanRoot: checkout.scanRoot,
      files,
      args: options.config.sast?.args?.[tool] ?? [],
      env: options.env,
    }),
    options.io,
    options.label,
  );
}
