// Untrusted text (file names, SARIF messages, policy strings, pull-request titles) reaches the
// log. On a runner a line that starts with `::` is a workflow command (`::add-mask::`,
// `::set-output name=decision::pass`, `::error file=…::`), and ANSI escapes can rewrite what a
// reader sees. Everything written to the log goes through here.

import { randomUUID } from "node:crypto";

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-byte escapes; plus C1 CSI (U+009B).
const ANSI =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding escape characters is the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
const COMMAND_LINE = /(^|[\r\n])[ \t]*::/;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Whether the runner would read a workflow command at the start of some line of the text. */
export function holdsWorkflowCommand(text: string): boolean {
  return COMMAND_LINE.test(text);
}

/**
 * The text as it may be written to the log: ANSI escapes stripped, and, when a line would be
 * read as a workflow command, the whole text between `::stop-commands::<token>` and `::<token>::`
 * (GitHub's way to print untrusted output verbatim: the runner runs no command in between, and
 * the token is random, so the text cannot end the pause itself).
 */
export function logSafe(text: string): string {
  const plain = stripAnsi(text);
  if (!holdsWorkflowCommand(plain)) return plain;
  const token = `secflow-${randomUUID()}`;
  return `::stop-commands::${token}\n${plain}\n::${token}::`;
}

/** Workflow command data, escaped as @actions/core escapes it: `%`, `\r` and `\n`. */
export function escapeCommandData(text: string): string {
  return stripAnsi(text).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
