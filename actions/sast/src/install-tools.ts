import { homedir } from "node:os";
import path from "node:path";
import { UserError } from "@secflow/errors";
import { type ActionIO, runTool, type SastTool, which } from "@secflow/kit";
import { stderrTail } from "./scanner-process.ts";
import { TOOL_SPECS } from "./tool-registry.ts";

type Env = Record<string, string | undefined>;

/**
 * Installs missing tools with pipx (isolated, on GitHub's runners) or else `python3 -m pip
 * install --user`, at pinned versions, and returns the environment whose PATH finds them.
 */
export async function installTools(tools: readonly SastTool[], env: Env, io: ActionIO): Promise<Env> {
  if (tools.length === 0) return env;
  const pipx = await which("pipx", env);
  const binDirs = pipx
    ? [env.PIPX_BIN_DIR ?? path.join(env.HOME ?? homedir(), ".local", "bin")]
    : [await pipUserBin(env)];
  for (const tool of tools) {
    const spec = TOOL_SPECS[tool];
    if (!spec.pipPackage) continue;
    const [installer, args] = pipx
      ? [pipx, ["install", spec.pipPackage]]
      : ["python3", ["-m", "pip", "install", "--user", "--disable-pip-version-check", spec.pipPackage]];
    io.info(`install-tools: ${path.basename(installer)} ${args.join(" ")}`);
    const result = await runTool({
      tool: installer,
      args,
      cwd: env.HOME ?? homedir(),
      env,
      installHint: "install pipx or python3 with pip",
    });
    if (result.exitCode !== 0) {
      throw new UserError(
        `install-tools could not install ${tool} (${path.basename(installer)} ${args.join(" ")} exited with ${result.exitCode}).${stderrTail(result.stderr)}`,
      );
    }
  }
  const extended = { ...env, PATH: [...binDirs, env.PATH ?? ""].join(path.delimiter) };
  for (const tool of tools) {
    const executable = TOOL_SPECS[tool].executable;
    if (executable && !(await which(executable, extended))) {
      throw new UserError(
        `install-tools installed ${tool}, but ${executable} is not in ${binDirs.join(", ")}; install it in an earlier step instead.`,
      );
    }
  }
  return extended;
}

/** Where `pip install --user` puts scripts: <user base>/bin. */
async function pipUserBin(env: Env): Promise<string> {
  const result = await runTool({
    tool: "python3",
    args: ["-m", "site", "--user-base"],
    cwd: env.HOME ?? homedir(),
    env,
    installHint: "install-tools needs python3 with pip, or pipx",
  });
  if (result.exitCode !== 0)
    throw new UserError(`install-tools: python3 -m site --user-base failed.${stderrTail(result.stderr)}`);
  return path.join(result.stdout.trim(), "bin");
}
