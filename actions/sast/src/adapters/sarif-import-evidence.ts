// The evidence an imported result carries beside its location: code flows (CodeQL's data-flow
// paths), related locations (what its message links to) and fixes. Their locations are resolved
// as the result's own (artifact index, uriBaseId, repository root) and written in the profile's
// form (a repository-relative URI under %SRCROOT%), since the output has no artifacts table.
// A piece that cannot be repaired (a step outside the repository, a fix without a region) is
// left out and counted; the result itself is always kept.

import { encodePath, type Sarif, SRCROOT, validate } from "@secflow/sarif";
import type { RunLocations } from "./sarif-import-locations.ts";

export interface Evidence {
  codeFlows?: Sarif.CodeFlow[];
  relatedLocations?: Sarif.Location[];
  fixes?: Sarif.Fix[];
}

type Piece = "codeFlow" | "threadFlowLocation" | "relatedLocation" | "fix";

const WHAT: Record<Piece, string> = {
  codeFlow: "code flow(s)",
  threadFlowLocation: "code flow step(s)",
  relatedLocation: "related location(s)",
  fix: "fix(es)",
};

/** Reads the evidence of one run's results; says once per kind what it had to leave out. */
export class EvidenceReader {
  private readonly dropped = new Map<Piece, { count: number; first: string }>();

  constructor(
    private readonly run: Sarif.Run,
    private readonly locations: RunLocations,
  ) {}

  of(result: Sarif.Result, where: string): Evidence {
    const codeFlows = this.each(result.codeFlows, "codeFlow", where, (flow, at) => this.codeFlow(flow, at));
    const relatedLocations = this.each(result.relatedLocations, "relatedLocation", where, (location, at) =>
      this.location(location, at),
    );
    const fixes = this.each(result.fixes, "fix", where, (fix, at) => this.fix(fix, at));
    return {
      ...(codeFlows.length ? { codeFlows } : {}),
      ...(relatedLocations.length ? { relatedLocations } : {}),
      ...(fixes.length ? { fixes } : {}),
    };
  }

  /** One line per kind of piece left out, naming the first. */
  warnings(where: string): string[] {
    return [...this.dropped].map(
      ([piece, { count, first }]) =>
        `${where}: ${count} ${WHAT[piece]} could not be resolved to a file in the repository or repaired, and were left out; their results are kept (first: ${first}).`,
    );
  }

  /** Each piece of `list` read by `read`, checked against SARIF 2.1.0; the others counted. */
  private each<T, U>(
    list: T[] | undefined,
    piece: Piece,
    where: string,
    read: (item: T, at: string) => U | undefined,
  ): U[] {
    if (!Array.isArray(list)) return [];
    const kept: U[] = [];
    list.forEach((item, i) => {
      const at = `${where} ${piece} ${i}`;
      const value = isObject(item) ? read(item, at) : undefined;
      if (value !== undefined && isValidPiece(piece, value)) kept.push(value);
      else this.drop(piece, at);
    });
    return kept;
  }

  private drop(piece: Piece, at: string): void {
    const seen = this.dropped.get(piece);
    if (seen) seen.count++;
    else this.dropped.set(piece, { count: 1, first: at });
  }

  private codeFlow(flow: Sarif.CodeFlow, at: string): Sarif.CodeFlow | undefined {
    const threadFlows: Sarif.ThreadFlow[] = [];
    for (const [t, thread] of (Array.isArray(flow.threadFlows) ? flow.threadFlows : []).entries()) {
      if (!isObject(thread)) continue;
      const locations: Sarif.ThreadFlowLocation[] = [];
      for (const [s, step] of (Array.isArray(thread.locations) ? thread.locations : []).entries()) {
        const kept = isObject(step)
          ? this.threadFlowLocation(step, `${at} thread ${t} step ${s}`)
          : undefined;
        if (kept) locations.push(kept);
        else this.drop("threadFlowLocation", `${at} thread ${t} step ${s}`);
      }
      if (locations.length === 0) continue;
      threadFlows.push({
        ...(typeof thread.id === "string" ? { id: thread.id } : {}),
        ...messageOf(thread.message),
        locations,
      });
    }
    return threadFlows.length ? { ...messageOf(flow.message), threadFlows } : undefined;
  }

  /**
   * One step, with a step that refers to `run.threadFlowLocations` inlined first, as GitHub's
   * ingestion does (the shared step's location and kinds, the step's own message).
   */
  private threadFlowLocation(
    step: Sarif.ThreadFlowLocation,
    at: string,
  ): Sarif.ThreadFlowLocation | undefined {
    const shared = sharedStep(this.run, step.index);
    const location =
      shared?.location && step.location?.message
        ? { ...shared.location, message: step.location.message }
        : (shared?.location ?? step.location);
    const kinds = shared ? shared.kinds : step.kinds;
    let kept: Sarif.Location | undefined;
    if (location !== undefined) {
      kept = isObject(location) ? this.location(location, at) : undefined;
      if (kept === undefined) return undefined;
    }
    const out: Sarif.ThreadFlowLocation = {
      ...(kept ? { location: kept } : {}),
      ...(Array.isArray(kinds) && kinds.every((k) => typeof k === "string")
        ? { kinds: [...new Set(kinds)] }
        : {}),
      ...(isCount(step.nestingLevel, 0) ? { nestingLevel: step.nestingLevel } : {}),
      ...(isCount(step.executionOrder, -1) ? { executionOrder: step.executionOrder } : {}),
      ...(IMPORTANCE.has(step.importance as string) ? { importance: step.importance } : {}),
    };
    return Object.keys(out).length ? out : undefined;
  }

  /** A location in the profile's form; undefined when its file is not in the repository. */
  private location(location: Sarif.Location, at: string): Sarif.Location | undefined {
    let physicalLocation: Sarif.PhysicalLocation | undefined;
    if (location.physicalLocation !== undefined) {
      physicalLocation = this.physicalLocation(location.physicalLocation, at);
      if (!physicalLocation) return undefined;
    }
    const logicalLocations = (Array.isArray(location.logicalLocations) ? location.logicalLocations : [])
      .map(logicalLocation)
      .filter((l): l is Sarif.LogicalLocation => l !== undefined);
    const out: Sarif.Location = {
      ...(isCount(location.id, -1) ? { id: location.id } : {}),
      ...(physicalLocation ? { physicalLocation } : {}),
      ...(logicalLocations.length ? { logicalLocations } : {}),
      ...messageOf(location.message),
    };
    return physicalLocation || logicalLocations.length || out.message ? out : undefined;
  }

  private physicalLocation(physical: Sarif.PhysicalLocation, at: string): Sarif.PhysicalLocation | undefined {
    if (!isObject(physical)) return undefined;
    const artifactLocation = this.artifactLocation(physical.artifactLocation, at);
    if (!artifactLocation) return undefined;
    const region = regionOf(physical.region);
    const contextRegion = regionOf(physical.contextRegion);
    return {
      artifactLocation,
      ...(region ? { region } : {}),
      ...(region && contextRegion ? { contextRegion } : {}),
    };
  }

  private artifactLocation(location: Sarif.ArtifactLocation | undefined, at: string) {
    const resolved = this.locations.resolve(location, at);
    if (!("path" in resolved)) return undefined;
    return { uri: encodePath(resolved.path), uriBaseId: SRCROOT };
  }

  /** A fix whose every change is resolved; a fix with one change left out would be wrong. */
  private fix(fix: Sarif.Fix, at: string): Sarif.Fix | undefined {
    const changes = Array.isArray(fix.artifactChanges) ? fix.artifactChanges : [];
    const artifactChanges: Sarif.ArtifactChange[] = [];
    for (const change of changes) {
      const artifactLocation = isObject(change)
        ? this.artifactLocation(change.artifactLocation, at)
        : undefined;
      const replacements = (Array.isArray(change?.replacements) ? change.replacements : []).map(
        replacementOf,
      );
      if (!artifactLocation || replacements.length === 0 || replacements.includes(undefined))
        return undefined;
      artifactChanges.push({ artifactLocation, replacements: replacements as Sarif.Replacement[] });
    }
    if (artifactChanges.length === 0) return undefined;
    return { ...messageOf(fix.description, "description"), artifactChanges };
  }
}

const IMPORTANCE = new Set(["important", "essential", "unimportant"]);

function sharedStep(run: Sarif.Run, index: unknown): Sarif.ThreadFlowLocation | undefined {
  if (!isCount(index, 0) || !Array.isArray(run.threadFlowLocations)) return undefined;
  const shared = run.threadFlowLocations[index];
  return isObject(shared) ? shared : undefined;
}

function replacementOf(replacement: Sarif.Replacement | undefined): Sarif.Replacement | undefined {
  if (!isObject(replacement)) return undefined;
  const deletedRegion = regionOf(replacement.deletedRegion);
  if (!deletedRegion) return undefined;
  const inserted = replacement.insertedContent;
  const insertedContent =
    isObject(inserted) && (typeof inserted.text === "string" || typeof inserted.binary === "string")
      ? {
          ...(typeof inserted.text === "string" ? { text: inserted.text } : {}),
          ...(typeof inserted.binary === "string" ? { binary: inserted.binary } : {}),
        }
      : undefined;
  return { deletedRegion, ...(insertedContent ? { insertedContent } : {}) };
}

/**
 * A region's well-formed parts: lines and columns from 1, offsets from 0, an end that does not
 * come before its start (an inverted end is dropped, as for a result's own region).
 */
function regionOf(region: Sarif.Region | undefined): Sarif.Region | undefined {
  if (!isObject(region)) return undefined;
  const out: Sarif.Region = {};
  if (isCount(region.startLine, 1)) out.startLine = region.startLine;
  if (isCount(region.startColumn, 1)) out.startColumn = region.startColumn;
  const startLine = out.startLine ?? 1;
  if (isCount(region.endLine, startLine)) out.endLine = region.endLine;
  const sameLine = (out.endLine ?? startLine) === startLine;
  if (isCount(region.endColumn, sameLine ? (out.startColumn ?? 1) : 1)) out.endColumn = region.endColumn;
  for (const key of ["charOffset", "charLength", "byteOffset", "byteLength"] as const) {
    if (isCount(region[key], 0)) out[key] = region[key];
  }
  if (Object.keys(out).length === 0) return undefined;
  if (isObject(region.snippet) && typeof region.snippet.text === "string") {
    out.snippet = { text: region.snippet.text };
  }
  return out;
}

function logicalLocation(location: Sarif.LogicalLocation | undefined): Sarif.LogicalLocation | undefined {
  if (!isObject(location)) return undefined;
  const out: Sarif.LogicalLocation = {};
  // Not `index` or `parentIndex`: the output has no logicalLocations table for them to point at.
  for (const key of ["name", "fullyQualifiedName", "decoratedName", "kind"] as const) {
    if (typeof location[key] === "string") out[key] = location[key];
  }
  return Object.keys(out).length ? out : undefined;
}

/** `{ message }` (or another key) with the text and markdown of a message that has text. */
function messageOf(message: Sarif.Message | undefined, key = "message"): Record<string, Sarif.Message> {
  if (!isObject(message) || typeof message.text !== "string") return {};
  return {
    [key]: {
      text: message.text,
      ...(typeof message.markdown === "string" ? { markdown: message.markdown } : {}),
    },
  };
}

function isCount(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min;
}

function isObject<T>(value: T | undefined | null): value is T & object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether SARIF 2.1.0 accepts the piece on a result: what is kept is what validation accepts later. */
function isValidPiece(piece: Piece, value: unknown): boolean {
  const member = piece === "codeFlow" ? "codeFlows" : piece === "fix" ? "fixes" : "relatedLocations";
  const probe = {
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "probe" } },
        results: [
          {
            message: { text: "probe" },
            locations: [{ physicalLocation: { artifactLocation: { uri: "probe" } } }],
            [member]: [value],
          },
        ],
      },
    ],
  };
  return validate(probe, { profile: false, skipSizeCheck: true }).valid;
}
