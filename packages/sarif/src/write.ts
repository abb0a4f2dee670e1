import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type * as Sarif from "sarif";

/** Writes a log as JSON, creating the folder; returns the path. Compact unless `pretty`. */
export async function writeSarifFile(
  file: string,
  log: Sarif.Log,
  options: { pretty?: boolean } = {},
): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(log, null, options.pretty ? 2 : undefined)}\n`);
  return file;
}
