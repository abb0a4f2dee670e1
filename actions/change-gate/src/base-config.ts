import { isUserError } from "@secflow/errors";
import { CONFIG_PATH, type ConfigSource, type LoadedConfig, readConfig } from "@secflow/kit";

export type { ConfigSource } from "@secflow/kit";

export interface BaseConfig extends LoadedConfig {
  /** Why the configuration could not be used; the gate then fails whatever else holds. */
  error?: string;
}

/**
 * The configuration as committed on the base commit, never the working tree: the pull request
 * under review cannot relax the gate that judges it. Read with the kit's one loader (no file at
 * the default place is the defaults); a UserError from it (a file that does not parse, a file the
 * `config` input names that is not there) fails closed: it becomes `error`, and a fatal reason.
 */
export async function loadBaseConfig(
  root: string,
  file: string | undefined,
  base: { sha?: string; why?: string },
): Promise<BaseConfig> {
  const source: ConfigSource = { file: file ?? CONFIG_PATH, found: false, explicit: file !== undefined };
  if (!base.sha) {
    const why = base.why ? ` (${base.why})` : "";
    return {
      config: {},
      source,
      error: `the change has no base commit${why}, so the gate policy cannot be read from it; give the base input`,
    };
  }
  try {
    return await readConfig({ root, ...(file ? { file } : {}), commit: base.sha });
  } catch (error) {
    if (!isUserError(error)) throw error;
    return { config: {}, source: { ...source, commit: base.sha }, error: error.message };
  }
}
