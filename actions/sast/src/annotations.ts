import { type ActionIO, isCounted, isNew } from "@secflow/kit";
import { decodePath, type Sarif, severityOf } from "@secflow/sarif";

/** GitHub shows at most 10 annotations of each level per step; more than this only adds noise. */
const MAX_ANNOTATIONS = 50;

/** Annotates the new findings that count (the kit's isCounted) on their lines; returns how many were left out. */
export function annotateNewFindings(log: Sarif.Log, io: ActionIO, max = MAX_ANNOTATIONS): number {
  let written = 0;
  let left = 0;
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      if (!isNew(result) || !isCounted(result)) continue;
      if (written >= max) {
        left++;
        continue;
      }
      const location = result.locations?.[0]?.physicalLocation;
      const region = location?.region;
      const severity = severityOf(result);
      const properties = {
        title: `${run.tool.driver.name} ${result.ruleId} (${severity})`,
        file: decodePath(location?.artifactLocation?.uri ?? ""),
        ...(region?.startLine ? { startLine: region.startLine } : {}),
        ...(region?.endLine ? { endLine: region.endLine } : {}),
        // GitHub ignores columns on annotations that span lines.
        ...(region?.startColumn && (region.endLine ?? region.startLine) === region.startLine
          ? { startColumn: region.startColumn }
          : {}),
      };
      const message = result.message.text ?? "";
      if (result.level === "error") io.error(message, properties);
      else if (result.level === "warning") io.warning(message, properties);
      else io.notice(message, properties);
      written++;
    }
  }
  return left;
}
