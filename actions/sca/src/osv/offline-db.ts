// An offline OSV database: a folder of OSV JSON files and/or the per-ecosystem all.zip files
// osv.dev publishes, or one such zip. A file that cannot be read is named, and the scan is
// incomplete for it; the index says which ecosystems the database covers at all.

import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "@secflow/errors";
import { walkFiles } from "@secflow/kit";
import { normalizeName, parseEcosystem } from "../ecosystems.ts";
import { describeJsonError } from "../json-error.ts";
import type { Ecosystem, Skip } from "../model.ts";
import { asOsvRecord } from "./record.ts";
import type { OsvRecord } from "./types.ts";
import { type ZipEntry, ZipError, zipEntries } from "./zip-reader.ts";

export class AdvisoryIndex {
  private readonly byPackage = new Map<string, OsvRecord[]>();
  records = 0;
  /** Every ecosystem some advisory names, kept or not: which ecosystems the database covers. */
  readonly ecosystems = new Set<Ecosystem>();

  /** Only advisories naming one of these packages are kept: the rest are read, counted and let go. */
  constructor(private readonly wanted?: ReadonlySet<string>) {}

  add(record: OsvRecord): void {
    this.records++;
    const keys = new Set<string>();
    for (const affected of record.affected ?? []) {
      const ecosystem = affected.package && parseEcosystem(affected.package.ecosystem);
      if (!ecosystem || !affected.package) continue;
      this.ecosystems.add(ecosystem);
      const k = key(ecosystem, affected.package.name);
      if (!this.wanted || this.wanted.has(k)) keys.add(k);
    }
    for (const k of keys) {
      const list = this.byPackage.get(k);
      if (list) list.push(record);
      else this.byPackage.set(k, [record]);
    }
  }

  /** Advisories naming the package (not yet matched against a version). */
  get(ecosystem: Ecosystem, name: string): readonly OsvRecord[] {
    return this.byPackage.get(key(ecosystem, name)) ?? [];
  }
}

/** The index key of a package; a set of them limits what an index keeps. */
export function packageKey(ecosystem: Ecosystem, name: string): string {
  return key(ecosystem, name);
}

function key(ecosystem: Ecosystem, name: string): string {
  return `${ecosystem}\0${normalizeName(ecosystem, name)}`;
}

export interface OfflineDb {
  index: AdvisoryIndex;
  /** Files read (JSON files plus entries of zips). */
  files: number;
  skipped: Skip[];
}

/**
 * Reads every advisory under `location` (a folder or a .zip). With `wanted` (packageKey values),
 * only advisories naming those packages are kept in memory; all are still read and checked.
 */
export async function loadOfflineDb(
  location: string,
  displayRoot = location,
  wanted?: ReadonlySet<string>,
): Promise<OfflineDb> {
  const info = await stat(location).catch(() => undefined);
  if (!info)
    throw new UserError(
      `Input "osv-db": ${displayRoot} does not exist; give a folder of OSV JSON files or an OSV all.zip.`,
    );
  const db: OfflineDb = { index: new AdvisoryIndex(wanted), files: 0, skipped: [] };
  if (info.isFile()) {
    if (!location.endsWith(".zip"))
      throw new UserError(
        `Input "osv-db": ${displayRoot} is a file but not a .zip; give a folder or an OSV all.zip.`,
      );
    await addZip(db, location, displayRoot);
  } else {
    const files = await walkFiles(location, { include: ["**/*.json", "**/*.zip"] });
    // Reads run a few at a time: the cost is in syscalls, not in waiting.
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const file = files[next++] as string;
        const shown = path.posix.join(displayRoot, file);
        if (file.endsWith(".zip")) await addZip(db, path.join(location, file), shown);
        else {
          const text = await readFile(path.join(location, file), "utf8").catch(
            (e: NodeJS.ErrnoException) => e,
          );
          const failure = addJson(db, text);
          if (failure) db.skipped.push({ subject: shown, reason: failure });
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }
  if (db.index.records === 0) {
    const why = db.skipped.length
      ? ` (${db.skipped.length} files could not be read; first: ${db.skipped[0]?.subject}: ${db.skipped[0]?.reason})`
      : "";
    throw new UserError(`Input "osv-db": ${displayRoot} holds no OSV advisories${why}.`);
  }
  return db;
}

async function addZip(db: OfflineDb, file: string, shown: string): Promise<void> {
  let entries: ZipEntry[];
  try {
    entries = zipEntries(await readFile(file));
  } catch (error) {
    const why = error instanceof ZipError ? error.message : unreadable(error);
    db.skipped.push({
      subject: shown,
      reason: `not a readable zip file (${why}); its advisories were not used`,
    });
    return;
  }
  // One gap per archive, however many of its entries are damaged: it names the file to replace.
  const failures: string[] = [];
  let advisories = 0;
  for (const entry of entries) {
    if (!entry.name.endsWith(".json")) continue;
    advisories++;
    let text: string | Error;
    try {
      text = entry.read().toString("utf8");
    } catch (error) {
      if (!(error instanceof ZipError)) throw error;
      text = error;
    }
    const failure = addJson(db, text);
    if (failure) failures.push(`${entry.name}: ${failure}`);
  }
  if (failures.length > 0) {
    db.skipped.push({
      subject: shown,
      reason: `${failures.length} of its ${advisories} entries could not be read (first: ${failures[0]}); their advisories were not used`,
    });
  }
}

/** A database file that cannot be read at all: its error code, never a stack. */
function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string") return `cannot be read: ${code}`;
  throw error;
}

/** Adds one advisory file to the index; returns why it could not be used, if it could not. */
function addJson(db: OfflineDb, text: string | Error): string | undefined {
  db.files++;
  if (text instanceof Error) {
    const code = (text as NodeJS.ErrnoException).code;
    return code ? `cannot be read (${code})` : text.message; // a ZipError says what is wrong
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `${describeJsonError(text, error as Error)}; this advisory was not used`;
  }
  const record = asOsvRecord(value);
  if (typeof record === "string") return `${record}; not used`;
  db.index.add(record);
  return undefined;
}
