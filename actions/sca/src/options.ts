// Reads and checks the action's inputs (the CLI passes the same names as flags). Only parsing
// happens here: the folder to scan and the configuration are resolved by run() (the kit's
// resolveWorkspace and readConfig). File inputs (osv-db, import, output, a baseline SARIF file)
// are relative to the workspace: GITHUB_WORKSPACE, or the current folder outside a runner.

import { InputError } from "@secflow/errors";
import {
  type BaselineChoice,
  type InputReader,
  inputPath,
  type OnUnchecked,
  readBaseline,
  readOnUnchecked,
  workspaceBase,
} from "@secflow/kit";
import { parseThreshold, type Threshold } from "@secflow/sarif";
import { IMPORT_FORMATS, type ImportFormat } from "./imports/types.ts";
import { DEFAULT_OSV_API_URL } from "./osv/api-client.ts";
import type { HttpOptions } from "./osv/http.ts";

/** The keywords of `baseline` sca supports; changed-lines means nothing for a lockfile. */
const SCA_BASELINE_MODES = ["auto", "ref", "none"] as const;

export interface Options {
  /** The `path` input as given: the folder to scan, relative to the workspace. */
  path?: string;
  /** Globs of lockfiles relative to `path`; empty: discover the usual lockfile names. */
  lockfiles: string[];
  osvApiUrl: string;
  /** Absolute path of an offline OSV database (folder or zip), if one is used. */
  osvDb?: string;
  /** Absolute path of another scanner's report to import instead of querying OSV. */
  import?: string;
  importFormat: ImportFormat;
  /** How findings are marked new: auto, ref, none, or an earlier SARIF file (absolute). */
  baseline: BaselineChoice;
  /** A git ref to compare with instead of the event's base. */
  base?: string;
  /** Undefined: from the config file, else the kit's default. */
  failOn?: Threshold;
  /** Whether an incomplete scan fails the step; undefined: the config's on-unchecked, else fail. */
  onUnchecked?: OnUnchecked;
  licensesAllow?: string[];
  licensesDeny?: string[];
  /** The `config` input as given; undefined: .github/secflow.yml, if there is one. */
  config?: string;
  /** Absolute path of the SARIF file to write. */
  output: string;
  env: NodeJS.ProcessEnv;
  /** For tests: retry timing of the OSV API client. */
  http?: HttpOptions;
  /** For tests: the day ignores and waivers are judged against. */
  now?: Date;
}

export function readOptions(read: InputReader, env: NodeJS.ProcessEnv): Options {
  const workspace = { base: workspaceBase(env) };
  const failOn = read.string("fail-on");
  const osvDb = read.string("osv-db");
  const importFile = read.string("import");
  if (osvDb && importFile) {
    throw new InputError(
      'Inputs "osv-db" and "import" exclude each other: either match lockfiles against a database, or import a scanner\'s report.',
    );
  }
  const scanPath = read.string("path");
  const base = read.string("base");
  const config = read.string("config");
  const allow = read.string("licenses-allow");
  const deny = read.string("licenses-deny");
  const onUnchecked = readOnUnchecked(read);
  return {
    ...(scanPath ? { path: scanPath } : {}),
    lockfiles: read.list("lockfiles"),
    osvApiUrl: read.string("osv-api-url", DEFAULT_OSV_API_URL),
    ...(osvDb ? { osvDb: inputPath(workspace, osvDb) } : {}),
    ...(importFile ? { import: inputPath(workspace, importFile) } : {}),
    importFormat: read.enumOf("import-format", IMPORT_FORMATS, "auto"),
    baseline: readBaseline(read, workspace, SCA_BASELINE_MODES),
    ...(base ? { base } : {}),
    ...(failOn ? { failOn: parseThreshold(failOn, 'Input "fail-on"') } : {}),
    ...(onUnchecked ? { onUnchecked } : {}),
    ...(allow ? { licensesAllow: read.list("licenses-allow") } : {}),
    ...(deny ? { licensesDeny: read.list("licenses-deny") } : {}),
    ...(config ? { config } : {}),
    output: inputPath(workspace, read.string("output", "secflow-sca.sarif")),
    env,
  };
}
