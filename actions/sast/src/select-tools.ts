import { UserError } from "@secflow/errors";
import { type SastTool, which } from "@secflow/kit";
import { TOOL_NAMES, TOOL_SPECS } from "./tool-registry.ts";

/** What the user asked for: `auto`, `none`, or named tools. */
export type ToolRequest = { kind: "auto" } | { kind: "none" } | { kind: "list"; tools: SastTool[] };

export interface SkippedTool {
  tool: SastTool;
  reason: string;
  /** A tool that had work to do but could not run: worth a warning, not just a log line. */
  warn: boolean;
}

export interface Selection {
  run: SastTool[];
  /** Selected tools missing on the runner that install-tools will install. */
  install: SastTool[];
  skipped: SkippedTool[];
}

export interface SelectionFacts {
  /** Repository-relative paths of the files to scan. */
  files: readonly string[];
  /** Files left alone by class (vendored, tests, …): why a tool may have nothing to read. */
  skippedFiles?: readonly string[];
  env: Record<string, string | undefined>;
  installTools: boolean;
  /** Whether Semgrep has rules (.semgrep.yml, or --config in sast.args.semgrep). */
  semgrepHasRules: boolean;
}

/**
 * Decides which tools run. Named tools always run (a missing one is installed or is an error);
 * `auto` picks tools by the files the repository has and what is installed, and says why it
 * skipped the others.
 */
export async function selectTools(request: ToolRequest, facts: SelectionFacts): Promise<Selection> {
  const selection: Selection = { run: [], install: [], skipped: [] };
  if (request.kind === "none") return selection;
  if (request.kind === "list") {
    const missing: SastTool[] = [];
    for (const tool of request.tools) {
      if (await isInstalled(tool, facts.env)) selection.run.push(tool);
      else if (facts.installTools) {
        selection.run.push(tool);
        selection.install.push(tool);
      } else missing.push(tool);
    }
    if (missing.length > 0) {
      throw new UserError(
        missing
          .map(
            (tool) =>
              `${tool} is selected but not installed on this runner (${TOOL_SPECS[tool].installHint}).`,
          )
          .join("\n"),
      );
    }
    return selection;
  }
  for (const tool of TOOL_NAMES) await pickAutomatically(tool, facts, selection);
  return selection;
}

async function pickAutomatically(tool: SastTool, facts: SelectionFacts, selection: Selection): Promise<void> {
  const spec = TOOL_SPECS[tool];
  const installed = await isInstalled(tool, facts.env);
  const skip = (reason: string, warn = false): void => {
    selection.skipped.push({ tool, reason, warn });
  };
  if (tool === "semgrep") {
    if (!facts.semgrepHasRules)
      return skip("the repository has no Semgrep rules (.semgrep.yml, or --config in sast.args.semgrep)");
  } else {
    const count = facts.files.filter(spec.handles).length;
    const left = (facts.skippedFiles ?? []).filter(spec.handles).length;
    if (count === 0 && left > 0)
      return skip(
        `no ${spec.fileKind} files to scan (${left} left out as vendored, generated, minified, test or untracked code; sast.include scans them)`,
      );
    if (count === 0) return skip(`no ${spec.fileKind} files`);
  }
  if (installed) {
    selection.run.push(tool);
  } else if (facts.installTools) {
    selection.run.push(tool);
    selection.install.push(tool);
  } else {
    const what = tool === "semgrep" ? "Semgrep rules were found" : `${spec.fileKind} files were found`;
    skip(`${what} but ${tool} is not installed (${spec.installHint})`, true);
  }
}

async function isInstalled(tool: SastTool, env: Record<string, string | undefined>): Promise<boolean> {
  const executable = TOOL_SPECS[tool].executable;
  return executable === undefined || (await which(executable, env)) !== undefined;
}

/** The tools to run: the input, else secflow.yml's sast.tools, else auto (none when importing). */
export function toolRequest(
  input: ToolRequest | undefined,
  configured: readonly SastTool[] | undefined,
  importing: boolean,
): ToolRequest {
  if (input) return input;
  if (configured?.length) return { kind: "list", tools: [...configured] };
  return importing ? { kind: "none" } : { kind: "auto" };
}

/** Logs which tools run and why the others do not; a tool that had work to do is a warning. */
export function logSelection(
  selection: Selection,
  io: { info(m: string): void; warning(m: string): void },
): void {
  io.info(
    `Tools: ${selection.run.length ? selection.run.join(", ") : "none"}${selection.install.length ? ` (installing ${selection.install.join(", ")})` : ""}.`,
  );
  for (const skipped of selection.skipped) {
    const line = `Skipped ${skipped.tool}: ${skipped.reason}.`;
    if (skipped.warn) io.warning(line);
    else io.info(line);
  }
}
