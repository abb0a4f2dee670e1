import { createHash } from "node:crypto";
import { isUserError } from "@secflow/errors";
import { parseConfig, readFileAtRef, type SecflowConfig } from "@secflow/kit";

export interface ConfigSource {
  file: string;
  /** The commit it was read from. */
  commit?: string;
  found: boolean;
  sha256?: string;
}

export interface BaseConfig {
  config: SecflowConfig;
  source: ConfigSource;
  /** Why the configuration could not be used; the gate then fails whatever else holds. */
  error?: string;
}

/**
 * The configuration as committed on the base commit, never the working tree: the pull request
 * under review cannot relax the gate that judges it. No file there means the defaults.
 */
export async function loadBaseConfig(
  workspace: string,
  file: string,
  baseSha: string | undefined,
): Promise<BaseConfig> {
  const source: ConfigSource = { file, found: false, ...(baseSha ? { commit: baseSha } : {}) };
  if (!baseSha)
    return {
      config: {},
      source,
      error: "the base commit is unknown, so the gate policy cannot be read from it",
    };
  try {
    const text = await readFileAtRef(workspace, baseSha, file);
    if (text === undefined) return { config: {}, source };
    Object.assign(source, { found: true, sha256: createHash("sha256").update(text).digest("hex") });
    return { config: parseConfig(text, `${file} at the base commit ${baseSha.slice(0, 12)}`), source };
  } catch (error) {
    if (!isUserError(error)) throw error;
    return { config: {}, source, error: error.message };
  }
}
