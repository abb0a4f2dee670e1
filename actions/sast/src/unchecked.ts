import type { ActionIO, Unchecked } from "@secflow/kit";
import type { ToolReport } from "./report.ts";

/** At most this many gaps are logged one by one; the SARIF file and the summary have them all. */
const MAX_LOGGED = 50;

/** What the reports did not check, each gap once (a link several tools would have read is one). */
export function uniqueUnchecked(reports: readonly ToolReport[]): Unchecked[] {
  const seen = new Set<string>();
  return reports
    .flatMap((report) => report.unchecked)
    .filter((gap) => {
      const key = `${gap.subject}\0${gap.reason}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** One warning per gap, so the log says what the SARIF's invocations say. */
export function logUnchecked(unchecked: readonly Unchecked[], io: Pick<ActionIO, "warning">): void {
  for (const gap of unchecked.slice(0, MAX_LOGGED)) io.warning(`Not checked: ${gap.subject}: ${gap.reason}`);
  if (unchecked.length > MAX_LOGGED) {
    io.warning(`… and ${unchecked.length - MAX_LOGGED} more not checked; the SARIF file lists them all.`);
  }
}
