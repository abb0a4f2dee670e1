import type { SastTool } from "@secflow/kit";
import { BANDIT_INSTALL_HINT, isPythonFile } from "./adapters/bandit.ts";
import { isJavaScriptFile, isTypeScriptFile } from "./adapters/eslint-builtin.ts";
import { FLAWFINDER_INSTALL_HINT, isCFile } from "./adapters/flawfinder.ts";
import { SEMGREP_INSTALL_HINT } from "./adapters/semgrep.ts";

export const TOOL_NAMES: readonly SastTool[] = ["eslint", "bandit", "flawfinder", "semgrep"];

export interface ToolSpec {
  name: SastTool;
  /** The executable that must be on PATH; undefined for ESLint, which is bundled. */
  executable?: string;
  /** What install-tools installs with pip (pinned, so a run is reproducible). */
  pipPackage?: string;
  installHint: string;
  /** Files the tool analyses; auto runs it when the repository has some. */
  handles(file: string): boolean;
  /** Those files in words, for "skipped: no … files". */
  fileKind: string;
}

export const TOOL_SPECS: Readonly<Record<SastTool, ToolSpec>> = {
  eslint: {
    name: "eslint",
    installHint: "bundled with the action",
    handles: (f) => isJavaScriptFile(f) || isTypeScriptFile(f),
    fileKind: "JavaScript or TypeScript",
  },
  bandit: {
    name: "bandit",
    executable: "bandit",
    pipPackage: "bandit==1.7.10",
    installHint: BANDIT_INSTALL_HINT,
    handles: isPythonFile,
    fileKind: "Python",
  },
  flawfinder: {
    name: "flawfinder",
    executable: "flawfinder",
    pipPackage: "flawfinder==2.0.19",
    installHint: FLAWFINDER_INSTALL_HINT,
    handles: isCFile,
    fileKind: "C or C++",
  },
  semgrep: {
    name: "semgrep",
    executable: "semgrep",
    pipPackage: "semgrep==1.85.0",
    installHint: SEMGREP_INSTALL_HINT,
    handles: () => true,
    fileKind: "",
  },
};

export function isToolName(name: string): name is SastTool {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
