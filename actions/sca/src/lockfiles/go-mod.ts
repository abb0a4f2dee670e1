// go.mod, read as the go command reads it: require directives (single or in blocks), "// indirect"
// for transitive modules, replace directives (for one version of a module when the left side names
// one, for every version otherwise), the standard library at the version of the toolchain or go
// directive (package "stdlib", as the Go vulnerability database names it), and go.sum for modules
// at go 1.16 or older, whose go.mod does not list their indirect dependencies.

import type { Package, ParsedLockfile, Relation, Skip } from "../model.ts";
import { makePackage } from "./package.ts";
import { invalidAt } from "./parse-errors.ts";
import { LockfileError, type LockfileInput } from "./types.ts";

interface Requirement {
  module: string;
  version: string;
  line: number;
  indirect: boolean;
}

interface Replacement {
  module: string;
  /** The version it replaces; undefined replaces every version. */
  version?: string;
  target: string;
  /** Undefined for a local folder. */
  targetVersion?: string;
  line: number;
}

interface GoMod {
  requirements: Requirement[];
  replacements: Replacement[];
  go?: { version: string; line: number };
  toolchain?: { version: string; line: number };
}

// Every directive go.mod may hold (https://go.dev/ref/mod#go-mod-file-grammar).
const DIRECTIVES = new Set([
  "module",
  "go",
  "toolchain",
  "godebug",
  "require",
  "exclude",
  "replace",
  "retract",
  "tool",
  "ignore",
]);

/** The standard-library package of the Go vulnerability database. */
const GO_STDLIB = "stdlib";

export async function parseGoMod(input: LockfileInput): Promise<ParsedLockfile> {
  const mod = readGoMod(input.path, input.text);
  const skipped: Skip[] = [];
  // By module and version: a replace may map two requirements onto one module version.
  const found = new Map<string, Package>();
  const add = (pkg: Package) => {
    const key = `${pkg.name}@${pkg.version}`;
    const known = found.get(key);
    if (!known || (known.relation !== "direct" && pkg.relation === "direct")) found.set(key, pkg);
  };
  const goPackage = (
    module: string,
    version: string,
    line: number,
    relation: Relation,
    file = input.path,
  ) => {
    const pkg = makePackage(
      "Go",
      module,
      version,
      { lockfile: file, line },
      { relation, scope: "runtime", path: [module] },
    );
    return file === input.path ? pkg : { ...pkg, readFrom: input.path };
  };

  for (const req of mod.requirements) {
    const relation: Relation = req.indirect ? "transitive" : "direct";
    // The last replace for the module wins, as in the go command; one naming the version is
    // preferred to one for every version.
    const replacement =
      mod.replacements.findLast((r) => r.module === req.module && r.version === req.version) ??
      mod.replacements.findLast((r) => r.module === req.module && r.version === undefined);
    if (!replacement) {
      add(goPackage(req.module, req.version, req.line, relation));
    } else if (replacement.targetVersion === undefined) {
      skipped.push({
        subject: `${input.path}:${replacement.line}`,
        reason: `${req.module} ${req.version} is replaced by the local folder ${replacement.target}; not checked`,
      });
    } else {
      add(goPackage(replacement.target, replacement.targetVersion, replacement.line, relation));
    }
  }

  if (goVersionAtMost116(mod.go?.version)) {
    const sumPath = siblingPath(input.path, "go.sum");
    const sum = await input.sibling("go.sum");
    if (sum === undefined) {
      if (mod.requirements.length > 0)
        skipped.push({
          subject: sumPath,
          reason: `${input.path} is a go ${mod.go?.version ?? "1.16 (no go directive)"} module, whose go.mod lists no indirect dependencies, and there is no go.sum beside it; its indirect dependencies were not checked`,
        });
    } else {
      const read = readGoSum(sum);
      if (read.badLine !== undefined) {
        skipped.push({
          subject: `${sumPath}:${read.badLine}`,
          reason: `not a go.sum line ("module version hash"); the indirect dependencies of this go ${mod.go?.version ?? "1.16"} module were not checked`,
        });
      } else {
        for (const entry of read.entries)
          if (!found.has(`${entry.module}@${entry.version}`))
            add(goPackage(entry.module, entry.version, entry.line, "transitive", sumPath));
      }
    }
  }

  // The toolchain directive names the Go release that builds the module; the go directive the
  // minimum. osv-scanner checks the standard library at the first, else the second.
  const stdlib = mod.toolchain ?? mod.go;
  if (stdlib) add(goPackage(GO_STDLIB, stdlib.version, stdlib.line, "direct"));

  return { path: input.path, ecosystem: "Go", packages: [...found.values()], skipped };
}

function readGoMod(path: string, text: string): GoMod {
  const mod: GoMod = { requirements: [], replacements: [] };
  let block: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const content = raw.replace(/\/\/.*$/, "").trim();
    if (content === "") return;
    if (block !== undefined) {
      if (content === ")") block = undefined;
      else directive(mod, block, words(content), line, indirect);
      return;
    }
    const [verb = "", ...rest] = words(content);
    if (!DIRECTIVES.has(verb)) {
      const column = raw.length - raw.trimStart().length + 1;
      // The word itself is not quoted back: it is the file's text.
      throw new LockfileError(`${path}: ${invalidAt("go.mod", line, column, "unknown directive")}`);
    }
    if (rest.length === 1 && rest[0] === "(") block = verb;
    else directive(mod, verb, rest, line, indirect);
  });
  return mod;
}

function directive(mod: GoMod, verb: string, args: string[], line: number, indirect: boolean): void {
  if (verb === "require" && args.length >= 2) {
    mod.requirements.push({ module: args[0] as string, version: args[1] as string, line, indirect });
  } else if (verb === "replace") {
    const arrow = args.indexOf("=>");
    if (arrow < 1) return;
    const [module, version] = args.slice(0, arrow) as [string, string | undefined];
    const [target = "", targetVersion] = args.slice(arrow + 1);
    // A path without a version on the right is a folder (./x, ../x, /x), never a module.
    mod.replacements.push({
      module,
      ...(version ? { version } : {}),
      target,
      ...(targetVersion ? { targetVersion } : {}),
      line,
    });
  } else if (verb === "go" && args[0]) {
    mod.go = { version: args[0], line };
  } else if (verb === "toolchain" && args[0]) {
    // "go1.23.6" or "go1.23.6-custom-suffix": the release is the part before the suffix.
    const version = (args[0].split("-")[0] as string).replace(/^go/, "");
    if (version) mod.toolchain = { version, line };
  }
}

/** The words of a line, quoted ones ("…" or `…`) unquoted. */
function words(text: string): string[] {
  return (text.match(/"(?:[^"\\]|\\.)*"|`[^`]*`|\S+/g) ?? []).map((w) =>
    (w.startsWith('"') && w.endsWith('"')) || (w.startsWith("`") && w.endsWith("`")) ? w.slice(1, -1) : w,
  );
}

/**
 * From go 1.17 on, go.mod lists every module the build needs; before, only the direct ones. A
 * go.mod without a go directive is read by the go command as go 1.16.
 */
function goVersionAtMost116(version: string | undefined): boolean {
  if (version === undefined) return true;
  const [major = 0, minor = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  return major < 1 || (major === 1 && minor <= 16);
}

interface GoSumEntry {
  module: string;
  version: string;
  line: number;
}

/** The modules go.sum has a hash for; "/go.mod" lines only hash a go.mod file, not a download. */
function readGoSum(text: string): { entries: GoSumEntry[]; badLine?: number } {
  const entries: GoSumEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const fields = (lines[i] as string).trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    if (fields.length !== 3) return { entries, badLine: i + 1 };
    const [module = "", version = ""] = fields;
    if (version.endsWith("/go.mod")) continue;
    entries.push({ module, version, line: i + 1 });
  }
  return { entries };
}

function siblingPath(file: string, name: string): string {
  const cut = file.lastIndexOf("/");
  return cut === -1 ? name : `${file.slice(0, cut + 1)}${name}`;
}
