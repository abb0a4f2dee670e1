import { parse as parseToml, TomlError } from "smol-toml";
import { isRecord } from "./package.ts";
import { LockfileError } from "./types.ts";

/** Parses a TOML lockfile and returns its [[package]] tables; errors name the file and line. */
export function tomlPackages(
  path: string,
  text: string,
): { doc: Record<string, unknown>; packages: Record<string, unknown>[] } {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const line = error instanceof TomlError ? `:${error.line}` : "";
    throw new LockfileError(`${path}${line}: not valid TOML (${(error as Error).message.split("\n")[0]})`);
  }
  const packages = doc.package;
  if (packages !== undefined && !Array.isArray(packages))
    throw new LockfileError(`${path}: "package" must be a list of tables`);
  return { doc, packages: ((packages as unknown[]) ?? []).filter(isRecord) };
}
