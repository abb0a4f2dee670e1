import { spawn } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { constants as osConstants } from "node:os";
import path from "node:path";
import { UserError } from "@secflow/errors";

export interface RunToolOptions {
  /** Executable name (looked up on PATH) or path. */
  tool: string;
  /** Argument vector; never joined into a command line. */
  args: readonly string[];
  cwd: string;
  /** Default 10 minutes. */
  timeoutMs?: number;
  /** Cap on each of stdout and stderr. Default 64 MiB. */
  maxOutputBytes?: number;
  /** Added to (and overriding) process.env. */
  env?: Record<string, string | undefined>;
  /** Written to the tool's standard input. */
  input?: string;
  /** How to install the tool, shown when it is missing, e.g. "pip install bandit". */
  installHint?: string;
}

export interface ToolResult {
  /** The tool's exit code; 128 + signal number when a signal ended it. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Runs a tool with an argument vector (no shell) and returns its exit code and output.
 * A non-zero exit is returned, not thrown: scanners exit 1 when they find something.
 */
export async function runTool(options: RunToolOptions): Promise<ToolResult> {
  const { tool, args, cwd, input } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  // spawn reports a missing cwd as ENOENT, which would read as "tool not installed".
  const cwdStat = await stat(cwd).catch(() => undefined);
  if (!cwdStat?.isDirectory()) {
    throw new UserError(`Cannot run ${tool}: the directory ${cwd} does not exist.`);
  }

  return new Promise<ToolResult>((resolve, reject) => {
    // child_process.spawn rather than @actions/exec: exec has no timeout, kill handle or output cap.
    const child = spawn(tool, args, {
      cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      shell: false,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      windowsHide: true,
    });
    const stdout = collector();
    const stderr = collector();
    let failure: Error | undefined;
    let settled = false;

    const finish = (result: ToolResult | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    // Stop the tool and settle on "exit": grandchildren may keep the pipes open past it.
    const abort = (error: Error) => {
      failure ??= error;
      child.kill("SIGKILL");
      child.stdout?.destroy();
      child.stderr?.destroy();
    };

    const timer = setTimeout(() => {
      abort(
        new UserError(
          `${tool} did not finish within ${formatDuration(timeoutMs)} and was stopped.${tail(stderr.text())}`,
        ),
      );
    }, timeoutMs);

    for (const [stream, sink, name] of [
      [child.stdout, stdout, "stdout"],
      [child.stderr, stderr, "stderr"],
    ] as const) {
      stream?.on("data", (chunk: Buffer) => {
        if (sink.add(chunk) > maxOutputBytes) {
          abort(
            new UserError(
              `${tool} wrote more than ${formatBytes(maxOutputBytes)} to ${name}; it was stopped. Narrow what it scans.`,
            ),
          );
        }
      });
    }

    if (child.stdin) {
      // A tool may exit without reading its input; that is not our error.
      child.stdin.on("error", () => {});
      child.stdin.end(input);
    }

    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        const hint = options.installHint ?? "install it and make sure it is on PATH";
        finish(new UserError(`${tool} is not installed (${hint}).`, { cause: error }));
      } else if (error.code === "EACCES") {
        finish(new UserError(`${tool} is not executable (check its file permissions).`, { cause: error }));
      } else {
        finish(error);
      }
    });
    child.on("exit", () => {
      if (failure) finish(failure);
    });
    child.on("close", (code, signal) => {
      if (failure) return finish(failure);
      const exitCode = code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0);
      finish({ exitCode, stdout: stdout.text(), stderr: stderr.text() });
    });
  });
}

/** The absolute path of an executable found on PATH (or the given path), else undefined. */
export async function which(
  tool: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string | undefined> {
  const extensions =
    process.platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  const candidates =
    tool.includes("/") || tool.includes(path.sep)
      ? [path.resolve(tool)]
      : (env.PATH ?? "")
          .split(path.delimiter)
          // An empty PATH entry means the current directory; never look there implicitly.
          .filter((dir) => dir !== "")
          .map((dir) => path.join(dir, tool));
  for (const candidate of candidates) {
    for (const extension of extensions) {
      const file = candidate + extension;
      if (await isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function collector() {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(chunk: Buffer): number {
      chunks.push(chunk);
      size += chunk.length;
      return size;
    },
    // Decoded once at the end so multi-byte characters split across chunks survive.
    text: () => Buffer.concat(chunks).toString("utf8"),
  };
}

function tail(stderr: string): string {
  const lines = stderr.trimEnd().split("\n").slice(-20).join("\n");
  const text = lines.length > 2000 ? lines.slice(-2000) : lines;
  return text === "" ? "" : ` Last lines of its error output:\n${text}`;
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
