import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LockfileInput } from "../src/lockfiles/types.ts";
import type { OsvRecord } from "../src/osv/types.ts";

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

/** A lockfile fixture as a parser gets it: repository path, text and its siblings. */
export async function fixtureInput(relative: string): Promise<LockfileInput> {
  const file = path.join(FIXTURES, relative);
  return {
    path: relative,
    text: await readFile(file, "utf8"),
    sibling: (name) => readFile(path.join(path.dirname(file), name), "utf8").catch(() => undefined),
  };
}

export async function advisory(id: string): Promise<OsvRecord> {
  return JSON.parse(await readFile(path.join(FIXTURES, "osv", `${id}.json`), "utf8")) as OsvRecord;
}

/** The 1-based line of the first line of `file` containing `text` (starting with it, for "^text"). */
export async function lineOf(relative: string, text: string): Promise<number> {
  const lines = (await readFile(path.join(FIXTURES, relative), "utf8")).split("\n");
  const index = text.startsWith("^")
    ? lines.findIndex((l) => l.startsWith(text.slice(1)))
    : lines.findIndex((l) => l.includes(text));
  if (index === -1) throw new Error(`${text} not in ${relative}`);
  return index + 1;
}
