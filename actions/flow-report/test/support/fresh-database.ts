// A new embedded database runs PGlite's initdb, which takes seconds; tests start from a copy of
// an empty one made once per machine (keyed by the PGlite version and the schema).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, rename } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/database.ts";
import { SCHEMA, VIEWS } from "../../src/schema.ts";

const require = createRequire(import.meta.url);

async function template(): Promise<string> {
  // dist/index.cjs → the package's own package.json (its exports map does not list it).
  const manifest = path.join(path.dirname(require.resolve("@electric-sql/pglite")), "..", "package.json");
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  const key = createHash("sha256").update(version).update(SCHEMA).update(VIEWS).digest("hex").slice(0, 16);
  const file = path.join(tmpdir(), `flow-report-template-${key}.tar.gz`);
  if (existsSync(file)) return file;
  const partial = path.join(tmpdir(), `flow-report-template-${key}-${process.pid}.tar.gz`);
  await (await openDatabase(partial)).close();
  await rename(partial, file);
  return file;
}

/** Copies an empty database to `file` (which openDatabase then loads instead of running initdb). */
export async function freshDatabase(file: string): Promise<string> {
  await copyFile(await template(), file);
  return file;
}
