import { readFile, stat } from "node:fs/promises";
import { UserError } from "@secflow/errors";
import type * as Sarif from "sarif";

/**
 * Files larger than this are refused before reading, with a message that says so: a SARIF file
 * is read as one string, and V8 cannot hold a string past 2^29 - 24 characters (512 MiB of
 * ASCII). GitHub takes at most 10 MB gzipped per upload, so no useful upload comes near it.
 */
export const MAX_SARIF_BYTES = 500 * 1024 * 1024;

/**
 * Reads a SARIF file. Malformed input (missing, empty, not JSON, truncated, not SARIF 2.1.0, too
 * large) is a UserError naming the file and the problem, never a stack trace or an empty result.
 * The bytes are decoded once and dropped, so only the text and the parsed log are held.
 */
export async function readSarifFile(file: string, options: { maxBytes?: number } = {}): Promise<Sarif.Log> {
  return parseSarif(await readSarifText(file, options), file);
}

/** The text of a SARIF file, unparsed; a missing or oversized file is a UserError naming it. */
export async function readSarifText(file: string, options: { maxBytes?: number } = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_SARIF_BYTES;
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UserError(`${file}: is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `${file}: cannot read SARIF file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  if (size > maxBytes) {
    throw new UserError(
      `${file}: ${formatBytes(size)} is larger than the ${formatBytes(maxBytes)} a SARIF file may have; split it (one file per tool or category)`,
    );
  }
  // Decoded in one piece: a flat string, which the scanner reads faster than the pieces readFile
  // with an encoding joins.
  return (await readFile(file)).toString("utf8");
}

/** Parses SARIF text; `source` names it in errors. */
export function parseSarif(text: string, source: string): Sarif.Log {
  if (text.trim() === "") throw new UserError(`${source}: the file is empty; expected a SARIF 2.1.0 log`);
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new UserError(`${source}: not valid JSON — ${describeJsonError(error as Error, text)}`);
  }
  checkDepth(value, source);
  return checkShape(value, source);
}

/** Deeper than any SARIF a tool writes (code flows nest about 12 levels); deeper is an attack. */
export const MAX_JSON_DEPTH = 100;

/**
 * Refuses values nested deeper than `maxDepth`: every recursive step after parsing (validation,
 * stringify, size checks) would otherwise die with a stack overflow. Iterative, so it cannot.
 */
export function checkDepth(value: unknown, source: string, maxDepth: number = MAX_JSON_DEPTH): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== "object" || node === null) continue;
    if (depth > maxDepth) {
      throw new UserError(
        `${source}: nested more than ${maxDepth} levels deep; no SARIF producer writes that, so it is refused`,
      );
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
}

function checkShape(value: unknown, source: string): Sarif.Log {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(
      `${source}: expected a SARIF log object, found ${Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  const log = value as Partial<Sarif.Log>;
  if (log.version !== "2.1.0") {
    const found = log.version === undefined ? "no version" : `version ${JSON.stringify(log.version)}`;
    throw new UserError(`${source}: ${found}; only SARIF 2.1.0 is supported`);
  }
  if (!Array.isArray(log.runs)) throw new UserError(`${source}: "runs" must be an array`);
  log.runs.forEach((run, i) => {
    if (typeof run !== "object" || run === null || typeof run.tool?.driver?.name !== "string") {
      throw new UserError(`${source}: /runs/${i} has no tool.driver.name`);
    }
    if (run.results !== undefined && !Array.isArray(run.results)) {
      throw new UserError(`${source}: /runs/${i}/results must be an array`);
    }
  });
  return log as Sarif.Log;
}

function describeJsonError(error: Error, text: string): string {
  const message = error.message;
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : undefined;
  if (
    /Unexpected end of JSON input/.test(message) ||
    (offset !== undefined && offset >= text.trimEnd().length)
  ) {
    return `the file ends early (truncated after ${formatBytes(text.length)}?)`;
  }
  // Node's message quotes the surrounding text; keep only what went wrong and where.
  const what = message.replace(/ in JSON at position.*$/s, "").replace(/, .*is not valid JSON$/s, "");
  if (offset === undefined) return what;
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `${what} at line ${line}, column ${offset - before.lastIndexOf("\n")}`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1048576).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
