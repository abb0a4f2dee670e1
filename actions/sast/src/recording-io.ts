import type { ActionIO } from "@secflow/kit";

/**
 * Passes everything through to `io` and keeps the plain warnings (those without a file, so not
 * the findings' annotations), for the job summary: a warning only in the log is easy to miss.
 */
export function recordingIO(io: ActionIO): { io: ActionIO; warnings: string[] } {
  const warnings: string[] = [];
  const wrapped: ActionIO = {
    info: (message) => io.info(message),
    warning(message, properties) {
      if (!properties?.file) warnings.push(message);
      io.warning(message, properties);
    },
    error: (message, properties) => io.error(message, properties),
    notice: (message, properties) => io.notice(message, properties),
    group: (name, fn) => io.group(name, fn),
    setOutput: (name, value) => io.setOutput(name, value),
    setSecret: (value) => io.setSecret(value),
    appendSummary: (markdown) => io.appendSummary(markdown),
  };
  return { io: wrapped, warnings };
}
