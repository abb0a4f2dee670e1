// The last stage: warnings and what was not checked go to the log, the rest to the job summary.

import type { ActionIO } from "@secflow/kit";
import type { ScanNotes } from "./model.ts";
import { type SummaryInput, summaryMarkdown } from "./summary.ts";

/** What the summary shows, with the notes still to be split into log lines and summary rows. */
export interface ScanReport extends Omit<SummaryInput, "unchecked" | "warnings"> {
  notes: ScanNotes;
  sarifFile: string;
}

export async function reportScan(io: ActionIO, report: ScanReport): Promise<void> {
  const { notes, counts } = report;
  for (const warning of notes.warnings) io.warning(warning);
  if (notes.skipped.length)
    io.warning(
      `The scan is incomplete: ${notes.skipped.length} item(s) could not be checked; the job summary lists them.`,
    );
  for (const s of notes.skipped) io.info(`not checked: ${s.subject}: ${s.reason}`);
  await io.appendSummary(summaryMarkdown({ ...report, unchecked: notes.skipped, warnings: notes.warnings }));
  io.info(
    `${report.sarifFile}: ${counts.total} finding(s)${report.comparison ? `, ${counts.new} new` : ""}${counts.waived ? `, ${counts.waived} waived` : ""}.`,
  );
}
