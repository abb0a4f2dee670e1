import { isUserError } from "@secflow/errors";
import { mergeReports, type ToolReport } from "../report.ts";
import type { ScanContext } from "../scan-context.ts";
import { isTypeScriptFile, runBuiltinEslint } from "./eslint-builtin.ts";
import { findProjectEslint, runProjectEslint } from "./eslint-project.ts";

/**
 * ESLint: eslint-plugin-security's recommended rules always run (bundled, no setup needed), and
 * where the repository has its own ESLint config and ESLint installed, that runs too, so the
 * team's rules and plugins report as well. A finding both report appears once.
 */
export async function runEslint(context: ScanContext): Promise<ToolReport> {
  const report = await runBuiltinEslint(context);
  report.notes.push("ESLint: eslint-plugin-security's recommended rules (built in).");
  const project = await findProjectEslint(context.scanRoot, context.repoRoot);
  const typescript = context.files.filter(isTypeScriptFile).length;
  if (!project) {
    if (typescript > 0)
      report.warnings.push(typeScriptNotCovered(typescript, "the repository has no ESLint config"));
    return report;
  }
  if (!project.bin || !project.version) {
    report.warnings.push(
      `ESLint: ${project.config} was found but ESLint is not installed in the repository (install dependencies, e.g. npm ci, before this step); only the built-in security rules ran.`,
    );
    if (typescript > 0)
      report.warnings.push(typeScriptNotCovered(typescript, "the repository's ESLint did not run"));
    return report;
  }
  let own: ToolReport;
  try {
    own = await runProjectEslint(context, { ...project, bin: project.bin, version: project.version });
  } catch (error) {
    if (!isUserError(error)) throw error;
    // The built-in rules ran; the team's own did not, so the run is incomplete.
    report.unchecked.push({ subject: `ESLint with ${project.config}`, reason: error.message });
    return report;
  }
  report.notes.push(
    `ESLint: the repository's own config ${project.config} with its ESLint ${project.version}.`,
  );
  const seen = new Set(report.findings.map(identity));
  // The team's ESLint walks the folder itself: only the files sast scans count (not links out of
  // the repository, nor untracked, vendored, generated, minified or test files sast skips).
  const listed = new Set(context.files);
  own.findings = own.findings.filter((f) => !seen.has(identity(f)) && listed.has(f.path));
  // A file neither could parse is one gap, not two.
  const gaps = new Set(report.unchecked.map((gap) => gap.subject));
  own.unchecked = own.unchecked.filter((gap) => !gaps.has(gap.subject) && listed.has(gap.subject));
  mergeReports(report, own);
  return report;
}

function identity(f: { ruleId: string; path: string; startLine: number; startColumn?: number }): string {
  return `${f.ruleId}\0${f.path}\0${f.startLine}\0${f.startColumn ?? 0}`;
}

function typeScriptNotCovered(count: number, why: string): string {
  return `ESLint: ${count} TypeScript file(s) were not analysed: the built-in rules read JavaScript only and ${why} (add an eslint.config with typescript-eslint to cover them).`;
}
