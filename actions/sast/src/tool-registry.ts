import type { SastTool } from "@secflow/kit";
import type { ToolInfo } from "@secflow/sarif";
import { BANDIT_INFORMATION_URI, BANDIT_INSTALL_HINT, isPythonFile } from "./adapters/bandit.ts";
import { eslintTool, isJavaScriptFile, isTypeScriptFile } from "./adapters/eslint-builtin.ts";
import { FLAWFINDER_INFORMATION_URI, FLAWFINDER_INSTALL_HINT, isCFile } from "./adapters/flawfinder.ts";
import { SEMGREP_INSTALL_HINT } from "./adapters/semgrep.ts";
import { SEMGREP_INFORMATION_URI } from "./adapters/semgrep-json.ts";

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
  /** The tool as a SARIF run names it when it failed before saying its version. */
  info(): ToolInfo | Promise<ToolInfo>;
}

export const TOOL_SPECS: Readonly<Record<SastTool, ToolSpec>> = {
  eslint: {
    name: "eslint",
    installHint: "bundled with the action",
    handles: (f) => isJavaScriptFile(f) || isTypeScriptFile(f),
    fileKind: "JavaScript or TypeScript",
    info: eslintTool,
  },
  bandit: {
    name: "bandit",
    executable: "bandit",
    pipPackage: "bandit==1.7.10",
    installHint: BANDIT_INSTALL_HINT,
    handles: isPythonFile,
    fileKind: "Python",
    info: () => ({ name: "Bandit", version: "unknown", informationUri: BANDIT_INFORMATION_URI }),
  },
  flawfinder: {
    name: "flawfinder",
    executable: "flawfinder",
    pipPackage: "flawfinder==2.0.19",
    installHint: FLAWFINDER_INSTALL_HINT,
    handles: isCFile,
    fileKind: "C or C++",
    info: () => ({ name: "Flawfinder", version: "unknown", informationUri: FLAWFINDER_INFORMATION_URI }),
  },
  semgrep: {
    name: "semgrep",
    executable: "semgrep",
    pipPackage: "semgrep==1.85.0",
    installHint: SEMGREP_INSTALL_HINT,
    handles: () => true,
    fileKind: "",
    info: () => ({ name: "Semgrep", version: "unknown", informationUri: SEMGREP_INFORMATION_URI }),
  },
};

export function isToolName(name: string): name is SastTool {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
