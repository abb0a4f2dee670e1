import type * as Sarif from "sarif";
import { normalizeCode } from "./fingerprint.ts";
import { decodePath } from "./uri-path.ts";

/** A finding's state once matched: base findings are only ever MATCHED, head findings the rest. */
export const UNMATCHED = 0;
export const MATCHED = 1;
export const UNCHANGED = 2;
export const UPDATED = 3;
export const NEW = 4;
export const STATE_NAMES = [undefined, undefined, "unchanged", "updated", "new"] as const;

/**
 * A number that equals another's exactly when the texts are equal, but for a 2^-53 chance: a
 * 53-bit hash (cyrb53, public domain: two 32-bit multiplicative hashes mixed).
 */
function digestOf(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A message's identity: its text, or for a message without one, what it holds instead. */
function messageDigest(text: unknown): number {
  return digestOf(typeof text === "string" ? text : `\0${JSON.stringify(text) ?? ""}`);
}

function grown<T extends Int32Array | Float64Array | Uint8Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(size);
  bigger.set(array);
  return bigger;
}

/**
 * What matching needs of the results of one run, column by column: the position of a finding is
 * its row. Records rather than results, so that matching works on logs it never holds in memory
 * as a whole; columns rather than objects, so that a log of half a million results costs some
 * 30 bytes a finding (objects, with the maps that grouped them, took 200).
 */
export class FindingTable {
  size = 0;
  /** The result's index in its run's `results` (a base log's absent results are left out). */
  index = new Int32Array(256);
  line = new Int32Array(256);
  /** Into `paths`. */
  file = new Int32Array(256);
  /** Into `ruleIds`. */
  rule = new Int32Array(256);
  /** Identity without position: the rule, and the flagged code when the tool gave it, else the message. */
  key = new Float64Array(256);
  message = new Float64Array(256);
  state = new Uint8Array(256);
  readonly paths: string[] = [];
  readonly ruleIds: string[] = [];
  private readonly pathIds = new Map<string, number>();
  private readonly ruleIdIds = new Map<string, number>();

  /** `rules` are the run's, for a result that names its rule by `ruleIndex` only. */
  add(
    result: Sarif.Result,
    index: number,
    rules: Sarif.ReportingDescriptor[] | undefined,
    renames?: ReadonlyMap<string, string>,
  ): void {
    if (this.size === this.index.length) this.grow();
    const location = result.locations?.[0]?.physicalLocation;
    const uri = location?.artifactLocation?.uri;
    let path = uri === undefined ? "" : decodePath(String(uri));
    path = renames?.get(path) ?? path;
    const snippet = location?.region?.snippet?.text;
    const code = typeof snippet === "string" ? normalizeCode(snippet) : "";
    const ruleId =
      result.ruleId ?? (result.ruleIndex !== undefined ? rules?.[result.ruleIndex]?.id : undefined) ?? "";
    const row = this.size++;
    this.index[row] = index;
    this.line[row] = location?.region?.startLine ?? 0;
    this.file[row] = idOf(path, this.paths, this.pathIds);
    this.rule[row] = idOf(ruleId, this.ruleIds, this.ruleIdIds);
    this.key[row] = digestOf(
      code !== "" ? `${ruleId}\0c\0${code}` : `${ruleId}\0m\0${result.message?.text ?? ""}`,
    );
    this.message[row] = messageDigest(result.message?.text);
    this.state[row] = UNMATCHED;
  }

  /** The id of a path in this table, if any finding has it. */
  fileOf(path: string): number | undefined {
    return this.pathIds.get(path);
  }

  private grow(): void {
    const size = this.index.length * 2;
    this.index = grown(this.index, size);
    this.line = grown(this.line, size);
    this.file = grown(this.file, size);
    this.rule = grown(this.rule, size);
    this.key = grown(this.key, size);
    this.message = grown(this.message, size);
    this.state = grown(this.state, size);
  }
}

function idOf(value: string, values: string[], ids: Map<string, number>): number {
  let id = ids.get(value);
  if (id === undefined) ids.set(value, (id = values.push(value) - 1));
  return id;
}
