import { matcher, type PathMatcher, type SecflowConfig } from "@secflow/kit";
import { isTestPath } from "./files/test-paths.ts";
import type { ToolReport } from "./report.ts";

/** The team's choices in secflow.yml that decide which findings are reported at all. */
export interface Tuning {
  rulesOff: ReadonlySet<string>;
  /** Top-level ignore-paths plus sast.ignore-paths. */
  ignoreGlobs: readonly string[];
  ignored: PathMatcher;
}

/**
 * Folders of installed dependencies and caches, never the team's code (the file walk already
 * skips .git and node_modules). Tools given explicit file lists would otherwise scan them.
 */
const DEPENDENCY_FOLDERS = [
  "**/.venv/**",
  "**/venv/**",
  "**/.tox/**",
  "**/.nox/**",
  "**/__pycache__/**",
  "**/.eggs/**",
];

export function tuningOf(config: SecflowConfig): Tuning {
  const ignoreGlobs = [...(config["ignore-paths"] ?? []), ...(config.sast?.["ignore-paths"] ?? [])];
  return {
    rulesOff: new Set(config.sast?.["rules-off"] ?? []),
    ignoreGlobs,
    ignored: matcher([...DEPENDENCY_FOLDERS, ...ignoreGlobs]),
  };
}

export interface TuningEffect {
  rulesOff: number;
  ignoredPaths: number;
  /** Bandit's B101 (assert used) in test code, where assert is how a test checks. */
  testAsserts: number;
}

/**
 * Rules whose findings are the point of test code, not a weakness in it: Bandit's B101 flags
 * every assert, which pytest tests are made of (88 % of a first run on ansible, tests included).
 */
function isTestIdiom(report: ToolReport, ruleId: string, file: string): boolean {
  return ruleId === "B101" && /bandit/i.test(report.tool.name) && isTestPath(file);
}

/**
 * Leaves out findings of rules the team turned off and in paths it ignores (tools that walk
 * folders themselves, and imported output, can report those), asserts in test code (when tests
 * are scanned, or imported), and files in ignored paths that were not checked. Returns how many
 * findings, for the log.
 */
export function applyTuning(report: ToolReport, tuning: Tuning): TuningEffect {
  const effect: TuningEffect = { rulesOff: 0, ignoredPaths: 0, testAsserts: 0 };
  report.findings = report.findings.filter((finding) => {
    if (tuning.rulesOff.has(finding.ruleId)) effect.rulesOff++;
    else if (tuning.ignored(finding.path)) effect.ignoredPaths++;
    else if (isTestIdiom(report, finding.ruleId, finding.path)) effect.testAsserts++;
    else return true;
    return false;
  });
  // A file the team ignores was not meant to be checked; imported output can still name one.
  report.unchecked = report.unchecked.filter((gap) => !tuning.ignored(gap.subject));
  return effect;
}
