import type * as Sarif from "sarif";
import { normalizeCode } from "./fingerprint.ts";
import { decodePath } from "./uri-path.ts";

/**
 * What matching needs of one result. Records rather than results, so that the file path can
 * match logs it never holds in memory as a whole.
 */
export interface Finding {
  /** Where the result is in its run's `results`. */
  index: number;
  path: string;
  line: number;
  ruleId: string;
  /** Identity without position: the rule, and the flagged code when the tool gave it, else the message (see `digestOf`). */
  key: string | number;
  message: unknown;
  matched: boolean;
  /** Set on head findings by `matchFindings`. */
  state?: "new" | "unchanged" | "updated";
}

/** Text up to this long is kept as it is; longer text is kept as a digest. */
const SHORT = 48;

/**
 * A value that equals another's exactly when the texts are equal: short text itself, longer text
 * as a 53-bit hash (a number: 16 bytes, against some 40 for a string of it). A large log holds a
 * key and a message per finding of both logs, and whole messages made it gigabytes.
 */
function digestOf(text: string): string | number {
  if (text.length <= SHORT) return text;
  // cyrb53 (public domain): two 32-bit multiplicative hashes mixed into 53 bits.
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

/** `rules` are the run's, for a result that names its rule by `ruleIndex` only. */
export function findingOf(
  result: Sarif.Result,
  index: number,
  rules: Sarif.ReportingDescriptor[] | undefined,
  renames?: ReadonlyMap<string, string>,
): Finding {
  const location = result.locations?.[0]?.physicalLocation;
  const uri = location?.artifactLocation?.uri;
  let path = uri === undefined ? "" : decodePath(String(uri));
  path = renames?.get(path) ?? path;
  const snippet = location?.region?.snippet?.text;
  const code = typeof snippet === "string" ? normalizeCode(snippet) : "";
  const ruleId =
    result.ruleId ?? (result.ruleIndex !== undefined ? rules?.[result.ruleIndex]?.id : undefined) ?? "";
  return {
    index,
    path,
    line: location?.region?.startLine ?? 0,
    ruleId,
    // Joined rather than concatenated: one flat string, where a template makes a tree of three
    // or four strings that the garbage collector would move for every finding.
    key: digestOf(
      code !== "" ? [ruleId, "c", code].join("\0") : [ruleId, "m", result.message?.text ?? ""].join("\0"),
    ),
    message: typeof result.message?.text === "string" ? digestOf(result.message.text) : result.message?.text,
    matched: false,
  };
}

/** One file's findings: in log order, and by identity (a group is a lone finding, or a list). */
export interface FileFindings {
  path: string;
  findings: Finding[];
  groups: Map<Finding["key"], Finding | Finding[]>;
}

/**
 * The findings of one run, grouped by file and identity as they are added. Findings never match
 * across files, and grouping while each result's text is fresh in the cache costs much less than
 * grouping a hundred thousand findings afterwards. Paths and rule ids are shared between findings
 * and a lone finding is not wrapped in a list: a large log's findings are the most of what the
 * garbage collector has to move.
 */
export class FindingIndex {
  readonly all: Finding[] = [];
  readonly files = new Map<string, FileFindings>();
  private readonly ruleIds = new Map<string, string>();
  /** The file last added to: results usually come file by file. */
  private last: FileFindings | undefined;

  add(finding: Finding): void {
    this.all.push(finding);
    let file = this.last?.path === finding.path ? this.last : this.files.get(finding.path);
    if (!file) this.files.set(finding.path, (file = { path: finding.path, findings: [], groups: new Map() }));
    this.last = file;
    finding.path = file.path;
    const ruleId = this.ruleIds.get(finding.ruleId);
    if (ruleId === undefined) this.ruleIds.set(finding.ruleId, finding.ruleId);
    else finding.ruleId = ruleId;
    file.findings.push(finding);
    const group = file.groups.get(finding.key);
    if (group === undefined) file.groups.set(finding.key, finding);
    else if (Array.isArray(group)) group.push(finding);
    else file.groups.set(finding.key, [group, finding]);
  }
}
