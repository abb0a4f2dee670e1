import path from "node:path";
import { isUserError, UserError } from "@secflow/errors";
import { severityFromScore } from "@secflow/sarif";
import { asArgument, repoRelative } from "../paths.ts";
import {
  entryArguments,
  type PythonEntry,
  pythonEntry,
  pythonToolVersion,
  takeVersion,
} from "../python-version.ts";
import { emptyReport, type Finding, mergeReports, type ToolReport } from "../report.ts";
import type { ScanContext } from "../scan-context.ts";
import {
  cachedVersion,
  chunkArguments,
  parseToolJson,
  runScanner,
  scannerVersion,
} from "../scanner-process.ts";
import { banditCwe } from "./bandit-cwe.ts";
import { markNosec } from "./bandit-nosec.ts";
import { forEachFlaggedFile } from "./in-source.ts";

export const BANDIT_INSTALL_HINT = "pip install bandit, or set install-tools: true";
export const BANDIT_INFORMATION_URI = "https://bandit.readthedocs.io/";
const PYTHON_FILE = /\.pyw?$/i;

interface BanditIssue {
  filename: string;
  test_id: string;
  test_name?: string;
  issue_severity: string;
  issue_confidence: string;
  issue_text: string;
  issue_cwe?: { id?: number };
  line_number: number;
  line_range?: number[];
  col_offset?: number;
  end_col_offset?: number;
  code?: string;
  more_info?: string;
}

interface BanditOutput {
  results: BanditIssue[];
  errors?: { filename: string; reason: string }[];
}

// Bandit rates each finding by severity and by confidence; both shape how much it matters.
const SCORES: Record<string, Record<string, number>> = {
  HIGH: { HIGH: 8.0, MEDIUM: 7.0, LOW: 5.0 },
  MEDIUM: { HIGH: 6.0, MEDIUM: 5.0, LOW: 3.0 },
  LOW: { HIGH: 3.0, MEDIUM: 2.0, LOW: 1.0 },
};

/** Bandit's severity × confidence as a security-severity score (UNDEFINED → 0, info). */
export function banditScore(severity: string, confidence: string): number {
  return SCORES[severity.toUpperCase()]?.[confidence.toUpperCase()] ?? 0;
}

export function isPythonFile(file: string): boolean {
  return PYTHON_FILE.test(file);
}

/**
 * Runs Bandit on the Python files of the checkout and reads its JSON report. `--ignore-nosec`:
 * a `# nosec` comment marks its findings as suppressed in source instead of hiding them.
 */
export async function runBandit(context: ScanContext): Promise<ToolReport> {
  const files = context.files.filter(isPythonFile).map(asArgument);
  const other = context.alongside && canRunAlongside(context, context.alongside.context);
  const otherFiles = other ? other.files.filter(isPythonFile).map((f) => path.join(other.repoRoot, f)) : [];
  // A console script runs through its Python, which says Bandit's version in the same start.
  const entry = await banditEntry(context.env);
  let said: string | undefined;
  const parts: ToolReport[] = [];
  const otherParts: ToolReport[] = [];
  for (const chunk of chunkArguments([...files, ...otherFiles])) {
    const args = ["-f", "json", "-q", ...context.args, "--ignore-nosec", "--", ...chunk];
    const run = (through?: PythonEntry) =>
      runScanner({
        name: "bandit",
        executable: through?.python ?? "bandit",
        args: through ? entryArguments(through, "bandit", BANDIT_MAIN, args) : args,
        cwd: context.repoRoot,
        env: context.env,
        timeoutMs: context.timeoutMs,
        okExitCodes: [0, 1],
        installHint: BANDIT_INSTALL_HINT,
      }).then((result) => {
        const { version, stderr } = through ? takeVersion(result.stderr) : { stderr: result.stderr };
        said ??= version;
        return parseToolJson("bandit", result.stdout, stderr);
      });
    // Through its Python failed (an odd install): Bandit as PATH has it decides.
    const output = entry
      ? await run(entry).catch((error) => (isUserError(error) ? run() : Promise.reject(error)))
      : await run();
    const [mine, theirs] = other ? splitByRoot(output, context.repoRoot, other.repoRoot) : [output];
    parts.push(
      readBanditJson(mine, "bandit output", { toolCwd: context.repoRoot, repoRoot: context.repoRoot }),
    );
    if (other && theirs !== undefined)
      otherParts.push(
        readBanditJson(theirs, "bandit output", { toolCwd: other.repoRoot, repoRoot: other.repoRoot }),
      );
  }
  const version = said ?? (await banditVersion(context));
  const report = emptyReport("bandit", banditTool(version));
  for (const part of parts) mergeReports(report, part);
  if (other && context.alongside) {
    const theirs = emptyReport("bandit", banditTool(version));
    for (const part of otherParts) mergeReports(theirs, part);
    await markBanditNosec(theirs, other.repoRoot);
    context.alongside.report = theirs;
  }
  await markBanditNosec(report, context.repoRoot);
  return report;
}

// Bandit leaves out any file whose path, as given, holds one of these (its default --exclude):
// the other folder's path must hold none, or its files would go unread.
const DEFAULT_EXCLUDES = [".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".eggs", ".egg"];

/**
 * The other scan's context when one Bandit run can read both: same arguments and environment,
 * and no arguments at all (a config or --exclude of the team's could read the other folder's
 * path differently), and a folder path Bandit's default exclusions leave alone.
 */
function canRunAlongside(context: ScanContext, other: ScanContext): ScanContext | undefined {
  if (context.args.length > 0 || other.args.length > 0 || context.env !== other.env) return undefined;
  if (!path.isAbsolute(other.repoRoot) || DEFAULT_EXCLUDES.some((x) => other.repoRoot.includes(x)))
    return undefined;
  return other;
}

/** Bandit's report split into the results and errors of files under `root` and those under `otherRoot`. */
function splitByRoot(output: unknown, root: string, otherRoot: string): [unknown, unknown] {
  const value = output as Partial<BanditOutput> | null;
  if (typeof value !== "object" || value === null) return [output, undefined];
  const isOther = (item: { filename?: unknown }) =>
    typeof item?.filename === "string" && path.resolve(root, item.filename).startsWith(otherRoot + path.sep);
  const part = (other: boolean) => ({
    ...value,
    results: Array.isArray(value.results) ? value.results.filter((r) => isOther(r) === other) : value.results,
    errors: Array.isArray(value.errors) ? value.errors.filter((e) => isOther(e) === other) : value.errors,
  });
  return [part(false), part(true)];
}

/** The lines of the statement each finding flags (Bandit's line_range), for its nosec comments. */
const statementLines = new WeakMap<Finding, readonly number[]>();

/** Marks the findings that `# nosec` comments cover, reading the flagged files of the repository. */
export function markBanditNosec(report: ToolReport, repoRoot: string): Promise<void> {
  return forEachFlaggedFile(report.findings, repoRoot, (source, findings) =>
    markNosec(source, findings, (finding) => ({
      name: report.rules.get(finding.ruleId)?.name,
      lines: statementLines.get(finding) ?? [finding.startLine],
    })),
  );
}

const BANDIT_MAIN = "bandit.cli.main";
const entries = new Map<string, Promise<PythonEntry | undefined>>();

/** Bandit's console script as its Python runs it, found once per PATH; undefined: run `bandit`. */
function banditEntry(env: Record<string, string | undefined>): Promise<PythonEntry | undefined> {
  const key = env.PATH ?? "";
  let entry = entries.get(key);
  if (!entry) {
    entry = pythonEntry("bandit", BANDIT_MAIN, env).catch(() => undefined);
    entries.set(key, entry);
  }
  return entry;
}

/**
 * Bandit's version: from the metadata of the Python that runs it, else from `bandit --version`
 * ("bandit 1.6.2" on its first line). Asked once per PATH.
 */
function banditVersion(context: ScanContext): Promise<string> {
  const where = { cwd: context.repoRoot, env: context.env };
  return cachedVersion(`bandit metadata\0${context.env.PATH ?? ""}`, async () => {
    const installed = await pythonToolVersion("bandit", "bandit", where);
    return (
      installed ??
      scannerVersion(
        { name: "bandit", executable: "bandit", installHint: BANDIT_INSTALL_HINT },
        where,
        (output) => /bandit\s+(\S+)/.exec(output)?.[1],
      )
    );
  });
}

function banditTool(version?: string) {
  return { name: "Bandit", version: version ?? "unknown", informationUri: BANDIT_INFORMATION_URI };
}

/** Reads Bandit's JSON report (`bandit -f json`), from a run or from an imported file. */
export function readBanditJson(
  value: unknown,
  source: string,
  where: { toolCwd: string; repoRoot: string },
  version?: string,
): ToolReport {
  const output = checkShape(value, source);
  const report = emptyReport("bandit", banditTool(version));
  const outside: string[] = [];
  for (const issue of output.results) {
    const file = repoRelative(issue.filename, where.toolCwd, where.repoRoot);
    if (file === undefined) {
      outside.push(issue.filename);
      continue;
    }
    const score = banditScore(issue.issue_severity, issue.issue_confidence);
    addRule(report, issue, score);
    const lines = Array.isArray(issue.line_range)
      ? issue.line_range.filter((line) => Number.isInteger(line))
      : undefined;
    const lastLine = lines?.at(-1);
    const finding: Finding = {
      ruleId: issue.test_id,
      message: issue.issue_text,
      path: file,
      startLine: issue.line_number,
      ...(issue.col_offset !== undefined && issue.col_offset >= 0
        ? { startColumn: issue.col_offset + 1 }
        : {}),
      ...(lastLine !== undefined && lastLine > issue.line_number ? { endLine: lastLine } : {}),
      ...(issue.end_col_offset && (lastLine ?? issue.line_number) === issue.line_number
        ? { endColumn: issue.end_col_offset + 1 }
        : {}),
      ...snippetOf(issue),
      severity: severityFromScore(score),
    };
    if (lines?.length) statementLines.set(finding, lines);
    report.findings.push(finding);
  }
  if (outside.length > 0) {
    report.warnings.push(
      `${source}: ${outside.length} Bandit result(s) name files outside the repository and were left out (first: ${outside[0]}).`,
    );
  }
  // A file Bandit could not parse has no findings because it was not read, not because it is clean.
  for (const error of output.errors ?? []) {
    const file = typeof error?.filename === "string" ? error.filename : undefined;
    report.unchecked.push({
      subject:
        file === undefined
          ? "Bandit"
          : (repoRelative(file, where.toolCwd, where.repoRoot) ?? path.normalize(file)),
      reason: `Bandit could not scan it (${typeof error?.reason === "string" ? error.reason : "no reason given"})`,
    });
  }
  return report;
}

function addRule(report: ToolReport, issue: BanditIssue, score: number): void {
  const existing = report.rules.get(issue.test_id);
  if (existing) {
    // One test rates findings differently (B103: MEDIUM or HIGH); the rule carries the worst.
    if (typeof existing.severity === "number" && score > existing.severity) existing.severity = score;
    return;
  }
  const cwe = issue.issue_cwe?.id || banditCwe(issue.test_id);
  const name = ruleName(issue);
  const help = issue.more_info ? `${issue.issue_text}\n\nSee ${issue.more_info}` : issue.issue_text;
  report.rules.set(issue.test_id, {
    id: issue.test_id,
    name,
    shortDescription: `${issue.test_id} ${name}: ${issue.issue_text}`,
    fullDescription: issue.issue_text,
    helpText: help,
    helpMarkdown: issue.more_info
      ? `${issue.issue_text}\n\n[Bandit documentation](${issue.more_info})`
      : issue.issue_text,
    ...(issue.more_info ? { helpUri: issue.more_info } : {}),
    ...(cwe ? { cwe: [cwe] } : {}),
    severity: score,
  });
}

/** "blacklist" names a whole family; the documentation anchor names the check ("b403-import-pickle"). */
function ruleName(issue: BanditIssue): string {
  const anchor = /#b\d+-([\w-]+)$/i.exec(issue.more_info ?? "")?.[1];
  if (issue.test_name && issue.test_name !== "blacklist") return issue.test_name;
  return anchor ? anchor.replace(/-/g, "_") : (issue.test_name ?? issue.test_id);
}

/** Bandit's `code` holds numbered context lines ("6     subprocess.call(...)"); keep the flagged one. */
function snippetOf(issue: BanditIssue): { snippet?: string } {
  for (const line of (issue.code ?? "").split("\n")) {
    const match = /^(\d+) (.*)$/.exec(line);
    if (match && Number(match[1]) === issue.line_number) return { snippet: match[2] ?? "" };
  }
  return {};
}

function checkShape(value: unknown, source: string): BanditOutput {
  const output = value as Partial<BanditOutput> | null;
  if (typeof output !== "object" || output === null || !Array.isArray(output.results)) {
    throw new UserError(`${source}: not a Bandit JSON report (expected an object with a "results" list).`);
  }
  if (output.errors !== undefined && !Array.isArray(output.errors)) {
    throw new UserError(`${source}: "errors" is not a list, as Bandit writes it.`);
  }
  output.results.forEach((issue, i) => {
    if (
      typeof issue?.filename !== "string" ||
      typeof issue.test_id !== "string" ||
      typeof issue.issue_text !== "string" ||
      !Number.isInteger(issue.line_number)
    ) {
      throw new UserError(`${source}: results[${i}] lacks filename, test_id, issue_text or line_number.`);
    }
  });
  return output as BanditOutput;
}
