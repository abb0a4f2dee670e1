// Pipfile.lock: JSON with "default" (runtime) and "develop" (dev) sections of name → { version:
// "==1.2.3" }; a package in both is one package, runtime. Which are direct comes from the Pipfile
// beside it.

import { normalizeName } from "../ecosystems.ts";
import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { jsonPath, objectKeyLines } from "./json-lines.ts";
import { isRecord, makePackage, parseJson } from "./package.ts";
import { pipfileDirect } from "./python-manifest.ts";
import { LockfileError, type LockfileInput } from "./types.ts";

export async function parsePipfileLock(input: LockfileInput): Promise<ParsedLockfile> {
  let doc: unknown;
  try {
    doc = parseJson(input.text);
  } catch (error) {
    throw new LockfileError(`${input.path}: ${(error as Error).message}`);
  }
  if (!isRecord(doc) || (!isRecord(doc.default) && !isRecord(doc.develop))) {
    throw new LockfileError(`${input.path}: has neither "default" nor "develop"; is it a Pipfile.lock?`);
  }
  const lines = objectKeyLines(input.text);
  const direct = pipfileDirect(await input.sibling("Pipfile"));
  const skipped: Skip[] = [];
  const packages: Package[] = [];
  // A package in both sections is installed once; "default" comes first, so it is runtime.
  const seen = new Set<string>();
  for (const section of ["default", "develop"] as const) {
    const entries = isRecord(doc[section]) ? (doc[section] as Record<string, unknown>) : {};
    for (const [name, entry] of Object.entries(entries)) {
      const line = lines.get(jsonPath(section, name)) ?? 1;
      const version =
        isRecord(entry) && typeof entry.version === "string"
          ? /^===?(.+)$/.exec(entry.version)?.[1]
          : undefined;
      if (!version) {
        const why =
          isRecord(entry) && (entry.git || entry.path || entry.file)
            ? "is not from a registry"
            : "has no exact version";
        skipped.push({ subject: `${input.path}:${line}`, reason: `${name} ${why}; not checked` });
        continue;
      }
      const id = normalizeName("PyPI", name);
      if (seen.has(`${id}==${version}`)) continue;
      seen.add(`${id}==${version}`);
      const isDirect = direct ? direct.runtime.has(id) || direct.dev.has(id) : undefined;
      packages.push(
        makePackage(
          "PyPI",
          name,
          version,
          { lockfile: input.path, line },
          {
            relation: isDirect === undefined ? "unknown" : isDirect ? "direct" : "transitive",
            scope: section === "develop" ? "dev" : "runtime",
            path: [name],
          },
        ),
      );
    }
  }
  return { path: input.path, ecosystem: "PyPI", packages, skipped };
}
