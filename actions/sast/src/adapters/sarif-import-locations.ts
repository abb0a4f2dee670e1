// Where an imported result points, read as GitHub's ingestion reads it: a location may name its
// file through `run.artifacts[index]`, a relative URI is relative to the repository root (not to
// the folder secflow scans), a uriBaseId is looked up in `run.originalUriBaseIds`, and an absolute
// file URI counts when it lies inside the checkout. A file nested in another one (an entry of an
// archive, `artifact.parentIndex`) is not a file of the repository: its result goes on the
// outermost file that is.

import { statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isInside, toPosix } from "@secflow/kit";
import { decodePath, type Sarif } from "@secflow/sarif";
import { refuseEncodedTraversal } from "./sarif-repairs.ts";

export type ResolvedLocation =
  | { path: string /** The URI inside the archive, when the file is nested in one. */; nested?: string }
  | { problem: "no-uri" }
  | { problem: "outside"; uri: string };

export interface LocationOptions {
  repoRoot: string;
  /** The folder secflow scans: named in a hint when a missing file exists below it. */
  scanRoot: string;
  /** The tool writes file names as they are, not percent-encoded (flawfinder). */
  rawUris?: boolean;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
/** Longer chains of bases or nested artifacts are taken as loops. */
const MAX_DEPTH = 16;
/** Missing files named in the warning; the rest are counted. */
const NAMED_MISSING = 3;

/** An absolute folder, and what follows it, for one uriBaseId. */
interface Base {
  absolute?: string;
  relative: string;
}

/** Resolves the locations of one run and remembers which of their files the repository lacks. */
export class RunLocations {
  private readonly exists = new Map<string, boolean>();
  private readonly missing = new Map<string, number>();
  private nested = 0;
  private firstNested = "";

  constructor(
    private readonly run: Sarif.Run,
    private readonly options: LocationOptions,
  ) {}

  /** The repository-relative path an artifactLocation names, or why it names none. */
  resolve(location: Sarif.ArtifactLocation | undefined, where: string): ResolvedLocation {
    if (!isObject(location)) return { problem: "no-uri" };
    let own: Sarif.ArtifactLocation = location;
    let nested: string | undefined;
    const artifact = this.artifact(location.index);
    if (artifact) {
      const outer = this.outermost(location.index as number);
      if (outer !== artifact) {
        nested = stringOr(location.uri) ?? stringOr(artifact.location?.uri) ?? `artifact ${location.index}`;
        own = outer.location ?? {};
      } else if (typeof location.uri !== "string") {
        own = artifact.location ?? {};
      } else if (location.uriBaseId === undefined && artifact.location?.uri === location.uri) {
        own = { ...location, uriBaseId: artifact.location.uriBaseId };
      }
    }
    const uri = own.uri;
    if (typeof uri !== "string" || uri === "") return { problem: "no-uri" };
    const file = this.filePath(uri, stringOr(own.uriBaseId), where);
    if (file === undefined) return { problem: "outside", uri };
    return nested === undefined ? { path: file } : { path: file, nested };
  }

  /** Counts a kept result in `file`, for the warning about files the repository does not have. */
  noteResult(file: string, nested?: string): void {
    if (nested !== undefined && this.nested++ === 0) this.firstNested = `${nested} in ${file}`;
    if (this.fileExists(file)) return;
    this.missing.set(file, (this.missing.get(file) ?? 0) + 1);
  }

  /** One line for files not in the repository, one for nested files: never one per result. */
  warnings(where: string): string[] {
    const lines: string[] = [];
    if (this.missing.size > 0) {
      const files = [...this.missing.keys()];
      const results = [...this.missing.values()].reduce((a, b) => a + b, 0);
      const named = files.slice(0, NAMED_MISSING).join(", ");
      const more = files.length > NAMED_MISSING ? ` and ${files.length - NAMED_MISSING} more` : "";
      lines.push(
        `${where}: ${results} result(s) are in ${files.length} file(s) that do not exist in the repository (${named}${more}); they are kept. Relative URIs are read from the repository root, as GitHub reads them.${this.scanRootHint(files[0] as string)}`,
      );
    }
    if (this.nested > 0) {
      lines.push(
        `${where}: ${this.nested} result(s) are in files nested in other files (archives); each is reported on the outermost file in the repository (first: ${this.firstNested}).`,
      );
    }
    return lines;
  }

  private scanRootHint(file: string): string {
    const { scanRoot, repoRoot } = this.options;
    if (scanRoot === repoRoot) return "";
    const below = this.inRepository(path.join(scanRoot, file));
    if (below === undefined || !this.fileExists(below)) return "";
    return ` ${below} exists: the tool wrote paths relative to the scanned folder; have it write them relative to the repository root (or give originalUriBaseIds).`;
  }

  private fileExists(file: string): boolean {
    let known = this.exists.get(file);
    if (known === undefined) {
      const info = statSync(path.join(this.options.repoRoot, file), { throwIfNoEntry: false });
      known = info?.isFile() ?? false;
      this.exists.set(file, known);
    }
    return known;
  }

  private artifact(index: unknown): Sarif.Artifact | undefined {
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0) return undefined;
    const artifact = Array.isArray(this.run.artifacts) ? this.run.artifacts[index] : undefined;
    return isObject(artifact) ? artifact : undefined;
  }

  /** The artifact that holds `index` (through parentIndex), or the artifact itself. */
  private outermost(index: number): Sarif.Artifact {
    let current = this.artifact(index) as Sarif.Artifact;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const parent = this.artifact(current.parentIndex);
      if (!parent || parent === current) break;
      current = parent;
    }
    return current;
  }

  private filePath(uri: string, uriBaseId: string | undefined, where: string): string | undefined {
    // flawfinder's names are literal: "%2e%2e" there is a folder's name, not an encoding.
    if (!this.options.rawUris) refuseEncodedTraversal(uri, where);
    if (SCHEME.test(uri)) {
      const absolute = /^file:/i.test(uri) ? fileUrlPath(uri) : undefined;
      return absolute === undefined ? undefined : this.inRepository(absolute);
    }
    const relative = this.options.rawUris ? uri : decodePath(uri);
    if (path.isAbsolute(relative)) return this.inRepository(relative);
    const base = uriBaseId === undefined ? undefined : this.base(uriBaseId, where, 0);
    if (base?.absolute !== undefined) {
      const inside = this.inRepository(path.join(base.absolute, base.relative, relative));
      if (inside !== undefined) return inside;
      // A base on the machine the tool ran on (Fortify's SRCROOT = file:///root/projects/…):
      // GitHub reads what follows it from the repository root.
    }
    return this.inRepository(path.join(this.options.repoRoot, base?.relative ?? "", relative));
  }

  /** What a uriBaseId stands for; undefined when the run does not say (the repository root). */
  private base(id: string, where: string, depth: number): Base | undefined {
    const entry = this.run.originalUriBaseIds?.[id];
    if (!isObject(entry) || depth > MAX_DEPTH) return undefined;
    const parent =
      typeof entry.uriBaseId === "string" ? this.base(entry.uriBaseId, where, depth + 1) : undefined;
    if (typeof entry.uri !== "string" || entry.uri === "") return parent;
    refuseEncodedTraversal(entry.uri, `${where}: originalUriBaseIds.${id}`);
    if (SCHEME.test(entry.uri)) {
      const absolute = /^file:/i.test(entry.uri) ? fileUrlPath(entry.uri) : undefined;
      return absolute === undefined ? undefined : { absolute, relative: "" };
    }
    const own = decodePath(entry.uri);
    if (path.isAbsolute(own)) return { absolute: own, relative: "" };
    return {
      ...(parent?.absolute !== undefined ? { absolute: parent.absolute } : {}),
      relative: path.join(parent?.relative ?? "", own),
    };
  }

  /** A repository-relative POSIX path for an absolute one inside the repository. */
  private inRepository(absolute: string): string | undefined {
    const { repoRoot } = this.options;
    const resolved = path.resolve(repoRoot, absolute);
    if (resolved === repoRoot || !isInside(repoRoot, resolved)) return undefined;
    return toPosix(path.relative(repoRoot, resolved));
  }
}

function fileUrlPath(uri: string): string | undefined {
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function stringOr(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function isObject<T>(value: T | undefined | null): value is T & object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
