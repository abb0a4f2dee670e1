import { parse as parseToml, TomlError } from "smol-toml";
import { isRecord } from "./package.ts";
import { firstLine, invalidAt } from "./parse-errors.ts";
import { LockfileError } from "./types.ts";

/** Parses a TOML lockfile and returns its [[package]] tables; errors name the file, line and column. */
export function tomlPackages(
  path: string,
  text: string,
): { doc: Record<string, unknown>; packages: Record<string, unknown>[] } {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    // smol-toml's message carries a code frame of the file; only its first line is kept.
    const description = firstLine((error as Error).message).replace(/^Invalid TOML document:\s*/, "");
    const at = error instanceof TomlError ? error : { line: 1, column: 1 };
    throw new LockfileError(`${path}: ${invalidAt("TOML", at.line, at.column, description)}`);
  }
  const packages = doc.package;
  if (packages !== undefined && !Array.isArray(packages))
    throw new LockfileError(`${path}: "package" must be a list of tables`);
  return { doc, packages: ((packages as unknown[]) ?? []).filter(isRecord) };
}
