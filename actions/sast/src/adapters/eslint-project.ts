import { readFile } from "node:fs/promises";
import path from "node:path";
import { readRepositoryFile } from "@secflow/kit";
import type { ToolReport } from "../report.ts";
import type { ScanContext } from "../scan-context.ts";
import { parseToolJson, runScanner } from "../scanner-process.ts";
import { eslintTool, securityRulesMeta } from "./eslint-builtin.ts";
import { readEslintJson } from "./eslint-results.ts";

const FLAT_CONFIGS = [
  "eslint.config.js",
  "eslint.config.mjs",
  "eslint.config.cjs",
  "eslint.config.ts",
  "eslint.config.mts",
  "eslint.config.cts",
];
const LEGACY_CONFIGS = [
  ".eslintrc.js",
  ".eslintrc.cjs",
  ".eslintrc.yaml",
  ".eslintrc.yml",
  ".eslintrc.json",
  ".eslintrc",
];

/** The repository's own ESLint setup: its config file and, when installed, its ESLint. */
export interface ProjectEslint {
  /** Repository-relative path of the config file. */
  config: string;
  flat: boolean;
  /** Absolute path of the installed ESLint's command-line script. */
  bin?: string;
  version?: string;
}

/**
 * Finds the ESLint config that applies to the scanned folder (looking up to the repository root,
 * as ESLint does) and the ESLint installed with it (node_modules, after npm ci).
 */
export async function findProjectEslint(
  scanRoot: string,
  repoRoot: string,
): Promise<ProjectEslint | undefined> {
  let config: { file: string; flat: boolean } | undefined;
  let bin: { file: string; version: string } | undefined;
  for (const dir of upTo(scanRoot, repoRoot)) {
    config ??= await configIn(dir, repoRoot);
    bin ??= await eslintIn(dir);
  }
  if (!config) return undefined;
  return {
    config: path.relative(repoRoot, config.file).split(path.sep).join("/"),
    flat: config.flat,
    ...(bin ? { bin: bin.file, version: bin.version } : {}),
  };
}

function upTo(start: string, root: string): string[] {
  const dirs: string[] = [];
  let dir = start;
  for (;;) {
    dirs.push(dir);
    if (dir === root || path.dirname(dir) === dir || path.relative(root, dir).startsWith("..")) break;
    dir = path.dirname(dir);
  }
  return dirs;
}

async function configIn(dir: string, repoRoot: string): Promise<{ file: string; flat: boolean } | undefined> {
  // The config and package.json are the repository's files: read them through the kit's reader,
  // which refuses a symlink that leads out of the repository.
  const read = (name: string) => readRepositoryFile(repoRoot, path.relative(repoRoot, path.join(dir, name)));
  for (const name of FLAT_CONFIGS)
    if ((await read(name)) !== undefined) return { file: path.join(dir, name), flat: true };
  for (const name of LEGACY_CONFIGS)
    if ((await read(name)) !== undefined) return { file: path.join(dir, name), flat: false };
  const pkg = parseJson(await read("package.json"));
  return pkg && typeof pkg === "object" && "eslintConfig" in pkg
    ? { file: path.join(dir, "package.json"), flat: false }
    : undefined;
}

async function eslintIn(dir: string): Promise<{ file: string; version: string } | undefined> {
  const root = path.join(dir, "node_modules", "eslint");
  const pkg = (await readJson(path.join(root, "package.json"))) as
    | { version?: string; bin?: string | Record<string, string> }
    | undefined;
  const bin = typeof pkg?.bin === "string" ? pkg.bin : pkg?.bin?.eslint;
  return bin && pkg?.version ? { file: path.join(root, bin), version: pkg.version } : undefined;
}

/** An installed package's package.json (node_modules is not the repository's own code). */
async function readJson(file: string): Promise<unknown> {
  return parseJson(await readFile(file, "utf8").catch(() => undefined));
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Runs the repository's own ESLint, with its own config, plugins and ignores, in a separate
 * process: loading the config executes the repository's code, which stays out of this process.
 * `sast.args.eslint` from secflow.yml is passed to it.
 */
export async function runProjectEslint(
  context: ScanContext,
  project: ProjectEslint & { bin: string; version: string },
): Promise<ToolReport> {
  const { stdout, stderr } = await runScanner({
    name: `the repository's ESLint ${project.version} (${project.config})`,
    executable: process.execPath,
    args: [
      project.bin,
      "--format",
      "json-with-metadata",
      "--no-error-on-unmatched-pattern",
      ...context.args,
      // ESLint walks the folder itself: links out of the repository are kept from it by name.
      ...(context.linksOut ?? []).flatMap((link) => ["--ignore-pattern", ignorePattern(context, link)]),
      ".",
    ],
    cwd: context.scanRoot,
    env: { ...context.env, ESLINT_USE_FLAT_CONFIG: project.flat ? "true" : "false" },
    timeoutMs: context.timeoutMs,
    okExitCodes: [0, 1],
    installHint: "node is required to run ESLint",
  });
  return readEslintJson(parseToolJson("ESLint", stdout, stderr), `ESLint (${project.config})`, {
    toolCwd: context.scanRoot,
    repoRoot: context.repoRoot,
    tool: await eslintTool(),
    knownRulesMeta: await securityRulesMeta(),
  });
}

/** A repository-relative file as an ESLint ignore pattern matching it alone (glob characters escaped). */
function ignorePattern(context: ScanContext, file: string): string {
  const relative = path
    .relative(context.scanRoot, path.join(context.repoRoot, file))
    .split(path.sep)
    .join("/");
  return relative.replace(/[\\*?[\]{}()!+@]/g, "\\$&");
}
