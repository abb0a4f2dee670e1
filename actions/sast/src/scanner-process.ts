import { isUserError, UserError } from "@secflow/errors";
import { runTool, type ToolResult } from "@secflow/kit";

export interface ScannerInvocation {
  /** The tool's name in messages, e.g. "bandit". */
  name: string;
  executable: string;
  args: readonly string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Exit codes that mean the tool ran to the end; scanners exit non-zero when they find something. */
  okExitCodes: readonly number[];
  installHint: string;
}

/**
 * Runs a scanner (argv, no shell). A tool that is missing, times out or crashes is a UserError
 * naming it, with its stderr tail; a non-zero exit that means "found something" is not.
 */
export async function runScanner(invocation: ScannerInvocation): Promise<ToolResult> {
  let result: ToolResult;
  try {
    result = await runTool({
      tool: invocation.executable,
      args: invocation.args,
      cwd: invocation.cwd,
      env: invocation.env,
      timeoutMs: invocation.timeoutMs,
      installHint: invocation.installHint,
    });
  } catch (error) {
    // runTool names the executable; when that is node running a script, name the tool instead.
    if (isUserError(error) && invocation.executable !== invocation.name) {
      throw new UserError(`${invocation.name}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (!invocation.okExitCodes.includes(result.exitCode)) {
    throw new UserError(
      `${invocation.name} failed (exit code ${result.exitCode}).${stderrTail(result.stderr)}${stdoutHead(result)}`,
    );
  }
  return result;
}

const versions = new Map<string, Promise<string>>();

/**
 * A scanner's version from `<executable> --version`, asked once per executable and PATH; `pick`
 * finds it in the output (default: the first line). A failure is reported and asked again next time.
 */
export function scannerVersion(
  tool: Pick<ScannerInvocation, "name" | "executable" | "installHint">,
  where: { cwd: string; env: Record<string, string | undefined> },
  pick: (output: string) => string | undefined = (output) => output.trim().split("\n")[0],
): Promise<string> {
  return cachedVersion(`${tool.executable}\0${where.env.PATH ?? ""}`, () =>
    runScanner({ ...tool, args: ["--version"], ...where, okExitCodes: [0] }).then(
      ({ stdout, stderr }) => pick(stdout) || pick(stderr) || "unknown",
    ),
  );
}

/** A version asked once per key (a tool and PATH) and run; a failure is asked again next time. */
export function cachedVersion(key: string, ask: () => Promise<string>): Promise<string> {
  let version = versions.get(key);
  if (!version) {
    version = ask();
    versions.set(key, version);
    version.catch(() => versions.delete(key));
  }
  return version;
}

/** Parses a tool's JSON output; anything else is a UserError showing what the tool printed. */
export function parseToolJson(name: string, stdout: string, stderr: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    const start = stdout.trim().slice(0, 200);
    const printed =
      start === "" ? "nothing on standard output" : `output that is not JSON: ${JSON.stringify(start)}`;
    throw new UserError(`${name} printed ${printed}.${stderrTail(stderr)}`);
  }
}

/**
 * The first lines of what a failing tool printed, when it said nothing on stderr (flawfinder
 * prints "Error: encoding error in <file>" on stdout and exits 15).
 */
function stdoutHead(result: ToolResult): string {
  if (result.stderr.trim() !== "" || result.stdout.trim() === "") return "";
  const lines = result.stdout.trim().split("\n").slice(0, 3).join("\n");
  return ` Its output began:\n${lines.slice(0, 500)}`;
}

/** The last lines of a tool's error output, for error messages. */
export function stderrTail(stderr: string): string {
  const lines = stderr.trimEnd().split("\n").slice(-15).join("\n");
  const text = lines.length > 1500 ? lines.slice(-1500) : lines;
  return text.trim() === "" ? " It wrote nothing to stderr." : ` Last lines of its stderr:\n${text}`;
}

/**
 * Splits file arguments into groups that fit a command line (Linux allows about 2 MB in all;
 * we stay far below), so a large repository runs the tool a few times instead of failing.
 */
export function chunkArguments(items: readonly string[], maxChars = 100_000): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const item of items) {
    if (current.length > 0 && size + item.length + 1 > maxChars) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += item.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
