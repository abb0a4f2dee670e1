// The version of a Python tool, read from the package metadata of the Python its script runs
// on: one interpreter start that imports nothing of the tool, where `bandit --version` loads
// every Bandit plugin first (about 0.3 s of CPU, on every run).

import { open, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { which } from "@secflow/kit";
import { runScanner } from "./scanner-process.ts";

const PYTHON = /^python[0-9.]*$/;
const SCRIPT = [
  "import sys",
  // -c puts the current folder first on sys.path: nothing of it may be read.
  "if sys.path[:1] == ['']: del sys.path[0]",
  "from importlib.metadata import version",
  "print(version(sys.argv[1]))",
].join("\n");

/**
 * The installed version of `distribution`, whose script `executable` is on PATH, or undefined
 * when that script is not a plain Python script (a shim, a binary, a shebang with options) or
 * the metadata cannot say: the caller then asks the tool itself.
 */
export async function pythonToolVersion(
  executable: string,
  distribution: string,
  where: { cwd: string; env: Record<string, string | undefined> },
): Promise<string | undefined> {
  const script = await which(executable, where.env);
  const python = script ? await interpreterOf(script, where.env) : undefined;
  if (!python) return undefined;
  try {
    const { stdout } = await runScanner({
      name: executable,
      executable: python,
      args: ["-c", SCRIPT, distribution],
      ...where,
      okExitCodes: [0],
      installHint: `the Python of ${script}`,
    });
    const version = stdout.trim();
    return /^[\w.+!-]+$/.test(version) ? version : undefined;
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
}

/** The Python interpreter a script's `#!` line names (directly, or through `env`), else undefined. */
export async function interpreterOf(
  script: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  const line = await firstLine(script);
  if (!line?.startsWith("#!")) return undefined;
  const words = line.slice(2).trim().split(/\s+/);
  let interpreter: string | undefined = words[0];
  if (interpreter && path.basename(interpreter) === "env") {
    interpreter = words.length === 2 && words[1] ? await which(words[1], env) : undefined;
  } else if (words.length !== 1) {
    return undefined; // options ("-E", "-I") change what the interpreter reads
  }
  if (!interpreter || !path.isAbsolute(interpreter) || !PYTHON.test(path.basename(interpreter)))
    return undefined;
  return interpreter;
}

async function firstLine(file: string): Promise<string | undefined> {
  const handle = await open(file, "r").catch(() => undefined);
  if (!handle) return undefined;
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString("utf8").split("\n")[0]?.replace(/\r$/, "");
  } finally {
    await handle.close();
  }
}

/** A Python tool's console script, run through its interpreter (see pythonEntry). */
export interface PythonEntry {
  python: string;
  /** The script as PATH names it (its argv[0]) and the folder it runs from (sys.path[0]). */
  script: string;
  folder: string;
}

// Runs a console script's `main` as the script would (its folder first on sys.path, never the
// current one; argv[0] the script), after writing the distribution's version to stderr: one
// interpreter start gives both the scan and the version.
const RUN_ENTRY = [
  "import sys",
  "folder, distribution, module, script = sys.argv[1:5]",
  "if sys.path[:1] == ['']: sys.path[0] = folder",
  "try:",
  "    from importlib.metadata import version",
  "    sys.stderr.write('secflow-version: %s\\n' % version(distribution))",
  "    sys.stderr.flush()",
  "except Exception:",
  "    pass",
  "import importlib",
  "main = importlib.import_module(module).main",
  "sys.argv = [script] + sys.argv[5:]",
  "sys.exit(main())",
].join("\n");

const VERSION_LINE = /^secflow-version: ([\w.+!-]+)\n/;

/**
 * How to run `executable` through its interpreter when it is a plain console script that calls
 * `module`'s main (what pip and distributions install), else undefined: run it as it is.
 */
export async function pythonEntry(
  executable: string,
  module: string,
  env: Record<string, string | undefined>,
): Promise<PythonEntry | undefined> {
  const script = await which(executable, env);
  const python = script ? await interpreterOf(script, env) : undefined;
  if (!script || !python) return undefined;
  const text = await readFile(script, "utf8").catch(() => "");
  if (text.length > 8192 || !text.includes(`from ${module} import main`)) return undefined;
  return { python, script, folder: path.dirname(await realpath(script)) };
}

/** The arguments that run the entry's `main` with `args`, writing `distribution`'s version first. */
export function entryArguments(
  entry: PythonEntry,
  distribution: string,
  module: string,
  args: string[],
): string[] {
  return ["-c", RUN_ENTRY, entry.folder, distribution, module, entry.script, ...args];
}

/** The version RUN_ENTRY wrote at the start of stderr, and stderr without it. */
export function takeVersion(stderr: string): { version?: string; stderr: string } {
  const match = VERSION_LINE.exec(stderr);
  return match ? { version: match[1], stderr: stderr.slice(match[0].length) } : { stderr };
}
