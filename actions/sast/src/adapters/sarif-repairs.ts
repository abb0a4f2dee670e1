// Third-party SARIF is often a little wrong in ways that do not change what it found: a helpUri
// that is not a URI, a region whose end comes before its start, a suppression of an unknown
// kind. Such defects are repaired, and each kind of repair is said once per file; a defect that
// could move a finding (an encoded path traversal) is refused instead.

import { UserError } from "@secflow/errors";
import { type Sarif, validate } from "@secflow/sarif";

const uriVerdicts = new Map<string, boolean>();

/**
 * Whether SARIF 2.1.0 accepts `value` where it wants a URI (format "uri": absolute, RFC 3986).
 * The schema's own validator answers, so what is kept is exactly what validation accepts later.
 */
export function isSchemaUri(value: unknown): value is string {
  if (typeof value !== "string") return false;
  let verdict = uriVerdicts.get(value);
  if (verdict === undefined) {
    const probe = {
      version: "2.1.0",
      runs: [{ tool: { driver: { name: "probe", informationUri: value } } }],
    };
    verdict = validate(probe, { profile: false, skipSizeCheck: true }).valid;
    uriVerdicts.set(value, verdict);
  }
  return verdict;
}

type RepairKind = "helpUri" | "informationUri" | "region" | "suppression";

const WHAT: Record<RepairKind, string> = {
  helpUri: "rule helpUri value(s) that are not absolute URIs were dropped",
  informationUri: "tool informationUri value(s) that are not absolute URIs were dropped",
  region: "region(s) ending before they start were cut to their start",
  suppression: "suppression(s) of a kind or status SARIF does not define were dropped (their findings count)",
};

/** The repairs made to one imported file, said once per kind. */
export class SarifRepairs {
  private readonly made = new Map<RepairKind, { count: number; first: string }>();

  note(kind: RepairKind, example: string): void {
    const seen = this.made.get(kind);
    if (seen) seen.count++;
    else this.made.set(kind, { count: 1, first: example });
  }

  /** One warning per kind of repair, naming the file, how many and the first one. */
  warnings(source: string): string[] {
    return [...this.made].map(
      ([kind, { count, first }]) => `${source}: repaired: ${count} ${WHAT[kind]} (first: ${first}).`,
    );
  }

  /** A rule's helpUri when it is a URI; otherwise none, noted. */
  helpUri(rule: Sarif.ReportingDescriptor | undefined): string | undefined {
    const value = rule?.helpUri;
    if (value === undefined || isSchemaUri(value)) return value;
    this.note("helpUri", `${JSON.stringify(value).slice(0, 100)} of rule ${rule?.id}`);
    return undefined;
  }

  /** A tool component's informationUri when it is a URI; otherwise none, noted. */
  informationUri(component: Sarif.ToolComponent): string | undefined {
    const value = component.informationUri;
    if (value === undefined || isSchemaUri(value)) return value;
    this.note("informationUri", `${JSON.stringify(value).slice(0, 100)} of ${component.name}`);
    return undefined;
  }

  /**
   * A region's end, when it does not come before its start: an end line before the start line,
   * or an end column before the start column on one line, is dropped (the start is kept).
   */
  regionEnd(region: Sarif.Region | undefined, where: string): { endLine?: number; endColumn?: number } {
    if (!region) return {};
    const startLine = region.startLine ?? 1;
    const { endLine, startColumn, endColumn } = region;
    const inverted =
      (endLine !== undefined && endLine < startLine) ||
      ((endLine ?? startLine) === startLine &&
        startColumn !== undefined &&
        endColumn !== undefined &&
        endColumn < startColumn);
    if (inverted) {
      const columns =
        startColumn !== undefined && endColumn !== undefined ? `, columns ${startColumn}–${endColumn}` : "";
      this.note("region", `${where} lines ${startLine}–${endLine ?? startLine}${columns}`);
      return {};
    }
    return {
      ...(endLine ? { endLine } : {}),
      ...(endColumn ? { endColumn } : {}),
    };
  }

  /** The suppressions SARIF defines (kind inSource or external, a known status); others dropped. */
  suppressions(suppressions: readonly Sarif.Suppression[] | undefined, where: string): Sarif.Suppression[] {
    const kept: Sarif.Suppression[] = [];
    for (const suppression of suppressions ?? []) {
      const { kind, status, justification } = (suppression ?? {}) as Partial<Sarif.Suppression>;
      if (
        (kind !== "inSource" && kind !== "external") ||
        (status !== undefined && status !== "accepted" && status !== "underReview" && status !== "rejected")
      ) {
        this.note("suppression", `${JSON.stringify(kind)} at ${where}`);
        continue;
      }
      kept.push({
        kind,
        ...(status ? { status } : {}),
        ...(typeof justification === "string" ? { justification } : {}),
      });
    }
    return kept;
  }
}

/**
 * Refuses a URI whose percent-encoding hides a `..` segment (`src/%2e%2e/x`, `..%2fx`, `%2E%2E`):
 * decoded, it points elsewhere than it reads, and no tool writes one by mistake.
 */
export function refuseEncodedTraversal(uri: string, where: string): void {
  if (!uri.includes("%")) return;
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    return; // not decodable: read as it is, where `..` is only what it literally says
  }
  const climbs = (text: string) => text.split(/[/\\]/).filter((segment) => segment === "..").length;
  if (climbs(decoded) > climbs(uri)) {
    throw new UserError(
      `${where}: the URI ${JSON.stringify(uri.slice(0, 200))} hides a ".." path segment in percent-encoding; secflow refuses it rather than guess which file it means. Fix the tool's output, or leave this file out of "input".`,
    );
  }
}
