// The first stage: where the scan works (the kit's workspace) and how it is tuned (the one config
// loader, and the one precedence rule: input > .github/secflow.yml > the kit's default).

import path from "node:path";
import {
  DEFAULTS,
  isInside,
  type OnUnchecked,
  readConfig,
  repositoryPath,
  resolveWorkspace,
  type SecflowConfig,
  setting,
  toPosix,
  type Workspace,
} from "@secflow/kit";
import type { Threshold } from "@secflow/sarif";
import { type LicensePolicy, validatePolicy } from "./licenses.ts";
import type { Options } from "./options.ts";

export interface ScanSetup {
  workspace: Workspace;
  config: SecflowConfig;
  failOn: Threshold;
  /** What an incomplete scan does to the step: input > config on-unchecked > fail. */
  onUnchecked: OnUnchecked;
  policy: LicensePolicy;
  /** sca.dev-dependencies: exclude. */
  excludeDev: boolean;
}

export async function prepareScan(options: Options): Promise<ScanSetup> {
  const workspace = await resolveWorkspace(options.path, options.env);
  const { config, source } = await readConfig({
    root: workspace.root,
    ...(options.config !== undefined ? { file: repositoryPath(workspace, options.config, "config") } : {}),
  });
  const sca = config.sca ?? {};
  const policy: LicensePolicy = {
    allow: setting(options.licensesAllow, sca.licenses?.allow, []),
    deny: setting(options.licensesDeny, sca.licenses?.deny, []),
  };
  validatePolicy(policy, {
    allow: options.licensesAllow ? 'Input "licenses-allow"' : `${source.file}: sca.licenses.allow`,
    deny: options.licensesDeny ? 'Input "licenses-deny"' : `${source.file}: sca.licenses.deny`,
  });
  return {
    workspace,
    config,
    failOn: setting(options.failOn, sca["fail-on"], DEFAULTS.failOn),
    onUnchecked: setting(options.onUnchecked, config["on-unchecked"], DEFAULTS.onUnchecked),
    policy,
    excludeDev: sca["dev-dependencies"] === "exclude",
  };
}

/** A file input as people wrote it: relative to the workspace when inside it, else absolute. */
export function shownPath(workspace: Pick<Workspace, "base">, file: string): string {
  return isInside(workspace.base, file) ? toPosix(path.relative(workspace.base, file)) || "." : file;
}
