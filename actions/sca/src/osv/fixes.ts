// What an advisory says about fixing a package: its fixed versions, and the affected ranges
// written for people.

import type { Ecosystem } from "../model.ts";
import { versionOrder } from "../versions/order.ts";
import { affectedEntries, orderOf, readEvents } from "./match.ts";
import type { OsvRecord } from "./types.ts";

/** Every `fixed` version the record gives for the package, in version order. */
export function fixedVersions(record: OsvRecord, ecosystem: Ecosystem, name: string): string[] {
  const order = versionOrder(ecosystem);
  const found = new Set<string>();
  for (const affected of affectedEntries(record, ecosystem, name)) {
    for (const range of affected.ranges ?? []) {
      if (!orderOf(range, ecosystem)) continue;
      for (const event of range.events) if (typeof event.fixed === "string") found.add(event.fixed);
    }
  }
  return [...found].filter((v) => order.valid(v)).sort(order.compare);
}

/** The affected ranges as text, e.g. ">= 1.0.0, < 1.2.6" and "< 0.2.4". */
export function describeAffected(record: OsvRecord, ecosystem: Ecosystem, name: string): string[] {
  const lines: string[] = [];
  for (const affected of affectedEntries(record, ecosystem, name)) {
    for (const range of affected.ranges ?? []) {
      const order = orderOf(range, ecosystem);
      if (!order) continue;
      try {
        const { events } = readEvents(range, order, record.id);
        let lower: string | undefined;
        for (const event of events) {
          if (event.kind === "introduced") {
            if (lower !== undefined) lines.push(lower || "all versions");
            lower = event.zero ? "" : `>= ${event.version}`;
          } else if (lower !== undefined) {
            const upper = event.kind === "fixed" ? `< ${event.version}` : `<= ${event.version}`;
            lines.push(lower ? `${lower}, ${upper}` : upper);
            lower = undefined;
          }
        }
        if (lower !== undefined) lines.push(lower || "all versions");
      } catch (error) {
        lines.push(`(unreadable range: ${(error as Error).message})`);
      }
    }
    const versions = affected.versions ?? [];
    if (versions.length > 0 && (affected.ranges ?? []).every((r) => !orderOf(r, ecosystem))) {
      const shown = versions.slice(0, 20).join(", ");
      lines.push(`versions ${shown}${versions.length > 20 ? `, … (${versions.length} in all)` : ""}`);
    }
  }
  return lines;
}
