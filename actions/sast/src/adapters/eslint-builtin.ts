/// <reference path="../types/eslint-plugin-security.d.ts" />
import { stat } from "node:fs/promises";
import path from "node:path";
import { readRepositoryFile } from "@secflow/kit";
import type { ToolInfo } from "@secflow/sarif";
import type { Linter as LinterTypes } from "eslint";
import type { Linter } from "eslint/universal";
import type { ToolReport } from "../report.ts";
import type { ScanContext } from "../scan-context.ts";
import {
  ESLINT_INFORMATION_URI,
  type EslintFileResult,
  type EslintMessage,
  type EslintRuleMeta,
  eslintReport,
} from "./eslint-results.ts";

// "eslint/universal" is ESLint's Linter without its file-system and config-loading parts: it
// bundles into dist/index.js as is, and it never executes code from the repository. Files come
// from our own walk, so ignore-paths and odd file names are handled once, for every tool.
/** Larger files are bundles or generated code; linting them takes long and tells little. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const JS_FILE = /\.(js|mjs|cjs|jsx)$/i;
const TS_FILE = /\.(ts|mts|cts|tsx)$/i;

export function isJavaScriptFile(file: string): boolean {
  return JS_FILE.test(file);
}

export function isTypeScriptFile(file: string): boolean {
  return TS_FILE.test(file);
}

type Security = typeof import("eslint-plugin-security").default;

/** ESLint's Linter, eslint-plugin-security and the globals, with the two configs built from them. */
interface Loaded {
  Linter: typeof Linter;
  security: Security;
  module: LinterTypes.Config[];
  commonjs: LinterTypes.Config[];
}

let loading: Promise<Loaded> | undefined;

/**
 * Loads ESLint on first use, not with the action: its Linter and the plugin cost a few hundred
 * milliseconds of CPU at start (ESLint builds its JSON-schema validators as it loads), which a
 * run that lints no JavaScript (Bandit alone) need not pay.
 */
function loadEslint(): Promise<Loaded> {
  loading ??= (async () => {
    const [{ Linter }, { default: security }, { default: globals }] = await Promise.all([
      import("eslint/universal"),
      import("eslint-plugin-security"),
      import("globals"),
    ]);
    const config = (sourceType: "module" | "commonjs"): LinterTypes.Config[] => [
      {
        files: JS_PATTERNS,
        plugins: { security },
        languageOptions: {
          ecmaVersion: "latest",
          sourceType,
          globals: { ...globals.node, ...globals.browser },
          parserOptions: { ecmaFeatures: { jsx: true } },
        },
        linterOptions: { reportUnusedDisableDirectives: "off" },
        rules: security.configs.recommended.rules,
      },
    ];
    return { Linter, security, module: config("module"), commonjs: config("commonjs") };
  })();
  return loading;
}

/** ESLint as the SARIF tool: the bundled version, with eslint-plugin-security as its extension. */
export async function eslintTool(): Promise<ToolInfo> {
  const { Linter, security } = await loadEslint();
  return {
    name: "ESLint",
    version: Linter.version,
    informationUri: ESLINT_INFORMATION_URI,
    extensions: [
      {
        name: "eslint-plugin-security",
        version: security.meta.version,
        informationUri: "https://github.com/eslint-community/eslint-plugin-security",
      },
    ],
  };
}

/** Descriptions and documentation links of eslint-plugin-security's rules, by rule id. */
export async function securityRulesMeta(): Promise<Record<string, EslintRuleMeta>> {
  const { security } = await loadEslint();
  const meta: Record<string, EslintRuleMeta> = {};
  for (const [name, rule] of Object.entries(security.rules ?? {})) {
    const docs = (rule as { meta?: { docs?: EslintRuleMeta["docs"] } }).meta?.docs;
    meta[`security/${name}`] = docs ? { docs } : {};
  }
  return meta;
}

/**
 * Every JavaScript file the walk gives the linter, in any case, as JS_FILE picks them. A config
 * whose only pattern is "**\/*" matches only what ESLint lints by default, which .jsx (and
 * .JS) is not: such a file came back "No matching configuration found" and was never linted.
 */
const JS_PATTERNS = ["**/*.[jJ][sS]", "**/*.[mM][jJ][sS]", "**/*.[cC][jJ][sS]", "**/*.[jJ][sS][xX]"];

/**
 * Lints the JavaScript files of the checkout with eslint-plugin-security's recommended rules.
 * A `.js` file is read as an ES module first and as CommonJS when that does not parse
 * (top-level return, `with`, legacy octal literals).
 */
export async function runBuiltinEslint(context: ScanContext): Promise<ToolReport> {
  const eslint = await loadEslint();
  const linter = new eslint.Linter({ configType: "flat", cwd: context.repoRoot });
  const results: EslintFileResult[] = [];
  const tooLarge: string[] = [];
  for (const file of context.files.filter(isJavaScriptFile)) {
    const absolute = path.join(context.repoRoot, file);
    if ((await stat(absolute)).size > MAX_FILE_BYTES) {
      tooLarge.push(file);
      continue;
    }
    // The repository reader refuses a symlink that leads out of the repository.
    const text = await readRepositoryFile(context.repoRoot, file);
    if (text === undefined) continue;
    results.push({ filePath: absolute, ...lint(linter, eslint, text, file) });
  }
  const report = eslintReport(results, {
    tool: await eslintTool(),
    rulesMeta: await securityRulesMeta(),
    toolCwd: context.repoRoot,
    repoRoot: context.repoRoot,
    source: "ESLint",
  });
  for (const file of tooLarge) {
    report.unchecked.push({
      subject: file,
      reason:
        "over 2 MB, so the built-in ESLint rules did not read it (generated code or a bundle belongs in ignore-paths)",
    });
  }
  return report;
}

function lint(
  linter: Linter,
  configs: Pick<Loaded, "module" | "commonjs">,
  text: string,
  file: string,
): Omit<EslintFileResult, "filePath"> {
  const asModule = !/\.cjs$/i.test(file);
  let result = verify(linter, text, file, asModule ? configs.module : configs.commonjs);
  if (asModule && !/\.mjs$/i.test(file) && result.messages.some((m) => m.fatal)) {
    const retry = verify(linter, text, file, configs.commonjs);
    if (!retry.messages.some((m) => m.fatal)) result = retry;
  }
  return result;
}

function verify(linter: Linter, text: string, file: string, configs: LinterTypes.Config[]) {
  const messages = linter.verify(text, configs, { filename: file });
  // Present at run time since ESLint 8.8, missing from its type declarations.
  const suppressedMessages = (
    linter as unknown as { getSuppressedMessages(): EslintMessage[] }
  ).getSuppressedMessages();
  return { messages: messages as EslintMessage[], suppressedMessages };
}
