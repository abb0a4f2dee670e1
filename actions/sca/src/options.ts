// Reads and checks the action's inputs (the CLI passes the same names as flags). File inputs are
// relative to the workspace: GITHUB_WORKSPACE, or the current folder outside a runner; the
// `lockfiles` globs are relative to `path`.

import path from "node:path";
import { UserError } from "@secflow/errors";
import { CONFIG_PATH, type InputReader } from "@secflow/kit";
import { parseThreshold, type Threshold } from "@secflow/sarif";
import { IMPORT_FORMATS, type ImportFormat } from "./imports/types.ts";
import { DEFAULT_OSV_API_URL } from "./osv/api-client.ts";
import type { HttpOptions } from "./osv/http.ts";

export interface Options {
  /** Absolute path of the checkout; SARIF paths are relative to it. */
  workspace: string;
  /** The folder to scan, relative to the workspace (POSIX, "." for all of it). */
  path: string;
  /** Globs of lockfiles relative to `path`; empty: discover the usual lockfile names. */
  lockfiles: string[];
  osvApiUrl: string;
  /** Absolute path of an offline OSV database (folder or zip), if one is used. */
  osvDb?: string;
  /** Absolute path of another scanner's report to import instead of querying OSV. */
  import?: string;
  importFormat: ImportFormat;
  /** "auto" (the pull request's base), "none", or a git ref. */
  baseline: string;
  /** Undefined: from the config file, else "high". */
  failOn?: Threshold;
  licensesAllow?: string[];
  licensesDeny?: string[];
  /** Absolute path of the secflow configuration file. */
  config: string;
  /** Absolute path of the SARIF file to write. */
  output: string;
  env: NodeJS.ProcessEnv;
  /** For tests: retry timing of the OSV API client. */
  http?: HttpOptions;
  /** For tests: the day ignores are judged against. */
  now?: Date;
}

export function readOptions(read: InputReader, env: NodeJS.ProcessEnv): Options {
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
  const inWorkspace = (value: string) => {
    const absolute = path.resolve(workspace, value);
    return { absolute, relative: path.relative(workspace, absolute).split(path.sep).join("/") || "." };
  };
  const scan = inWorkspace(read.string("path", "."));
  if (scan.relative.startsWith("..") || path.isAbsolute(scan.relative)) {
    throw new UserError(
      `Input "path": ${scan.absolute} is outside the workspace ${workspace}; give a folder inside the checkout.`,
    );
  }
  const failOn = read.string("fail-on");
  const osvDb = read.string("osv-db");
  const importFile = read.string("import");
  if (osvDb && importFile) {
    throw new UserError(
      'Inputs "osv-db" and "import" exclude each other: either match lockfiles against a database, or import a scanner\'s report.',
    );
  }
  const allow = read.string("licenses-allow");
  const deny = read.string("licenses-deny");
  return {
    workspace,
    path: scan.relative,
    lockfiles: read.list("lockfiles"),
    osvApiUrl: read.string("osv-api-url", DEFAULT_OSV_API_URL),
    ...(osvDb ? { osvDb: path.resolve(workspace, osvDb) } : {}),
    ...(importFile ? { import: path.resolve(workspace, importFile) } : {}),
    importFormat: read.enumOf("import-format", IMPORT_FORMATS, "auto"),
    baseline: read.string("baseline", "auto"),
    ...(failOn ? { failOn: parseThreshold(failOn, 'Input "fail-on"') } : {}),
    ...(allow ? { licensesAllow: read.list("licenses-allow") } : {}),
    ...(deny ? { licensesDeny: read.list("licenses-deny") } : {}),
    config: path.resolve(workspace, read.string("config", CONFIG_PATH)),
    output: path.resolve(workspace, read.string("output", "secflow-sca.sarif")),
    env,
  };
}
