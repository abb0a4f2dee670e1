import { appendFile } from "node:fs/promises";
import * as core from "@actions/core";
import { escapeCommandData, logSafe, stripAnsi } from "./log-safety.ts";
import { redact } from "./mask.ts";

/** Where an annotation points; the same fields as @actions/core's. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

/**
 * Everything an action's logic may do to the outside world. `run()` takes one, so the same
 * logic serves the GitHub action (actionsIO), the CLI and tests (consoleIO).
 */
export interface ActionIO {
  info(message: string): void;
  warning(message: string, properties?: AnnotationProperties): void;
  error(message: string, properties?: AnnotationProperties): void;
  notice(message: string, properties?: AnnotationProperties): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string | number | boolean): void;
  /** Masks the value in everything written from now on. */
  setSecret(value: string): void;
  /** Appends Markdown to the job summary. */
  appendSummary(markdown: string): Promise<void>;
}

function safeProperties(properties: AnnotationProperties | undefined): AnnotationProperties | undefined {
  if (!properties) return undefined;
  const { title, file, ...rest } = properties;
  return {
    ...rest,
    ...(title !== undefined ? { title: stripAnsi(title) } : {}),
    ...(file !== undefined ? { file: stripAnsi(file) } : {}),
  };
}

function withNewline(markdown: string): string {
  return markdown.endsWith("\n") ? markdown : `${markdown}\n`;
}

/** The runner: workflow commands, step outputs and the job summary, through @actions/core. */
export function actionsIO(): ActionIO {
  return {
    // Messages carry untrusted text: no workflow command may start a line, no ANSI escape
    // reaches the reader. Annotations' messages and properties are escaped by @actions/core.
    info: (message) => core.info(logSafe(message)),
    warning: (message, properties) => core.warning(stripAnsi(message), safeProperties(properties)),
    error: (message, properties) => core.error(stripAnsi(message), safeProperties(properties)),
    notice: (message, properties) => core.notice(stripAnsi(message), safeProperties(properties)),
    group: (name, fn) => core.group(escapeCommandData(name), fn),
    setOutput: (name, value) => core.setOutput(name, value),
    // The runner masks registered secrets in the log, annotations and summary.
    setSecret: (value) => core.setSecret(value),
    async appendSummary(markdown) {
      // Outside a runner (e.g. @github/local-action without a summary file) show it in the log.
      if (!process.env.GITHUB_STEP_SUMMARY) return core.info(logSafe(markdown));
      await core.summary.addRaw(withNewline(markdown)).write();
    },
  };
}

export type AnnotationLevel = "error" | "warning" | "notice";

export interface RecordedAnnotation {
  level: AnnotationLevel;
  message: string;
  properties?: AnnotationProperties;
}

export interface ConsoleIO extends ActionIO {
  /** Outputs set so far, as strings (as the runner stores them). */
  outputs: Record<string, string>;
  annotations: RecordedAnnotation[];
  /** The summary Markdown appended so far. */
  summary: string;
}

export interface ConsoleIOOptions {
  /** Where lines go; default stderr, so stdout stays free for the CLI's own output. */
  stream?: NodeJS.WritableStream;
  /** Append the summary to this file instead of printing it. */
  summaryFile?: string;
  /** Print only warnings, errors and notices. */
  quiet?: boolean;
}

/**
 * For the CLI and tests: prints human-readable lines, records outputs, annotations and the
 * summary, and masks registered secrets in all of them.
 */
export function consoleIO(options: ConsoleIOOptions = {}): ConsoleIO {
  const { stream = process.stderr, summaryFile, quiet = false } = options;
  const secrets = new Set<string>();
  const mask = (text: string) => redact(text, secrets);
  // The CLI's lines reach a runner's log too when it runs in a workflow step.
  const print = (text: string) => {
    stream.write(`${logSafe(mask(text))}\n`);
  };
  const annotate = (level: AnnotationLevel, message: string, properties?: AnnotationProperties) => {
    const title = properties?.title === undefined ? undefined : mask(properties.title);
    const recorded: RecordedAnnotation = { level, message: mask(message) };
    if (properties) recorded.properties = title === undefined ? { ...properties } : { ...properties, title };
    io.annotations.push(recorded);
    print(`${level}: ${location(properties)}${title ? `${title}: ` : ""}${message}`);
  };

  const io: ConsoleIO = {
    outputs: {},
    annotations: [],
    summary: "",
    info: (message) => {
      if (!quiet) print(message);
    },
    warning: (message, properties) => annotate("warning", message, properties),
    error: (message, properties) => annotate("error", message, properties),
    notice: (message, properties) => annotate("notice", message, properties),
    async group(name, fn) {
      if (!quiet) print(`== ${name}`);
      return fn();
    },
    setOutput: (name, value) => {
      io.outputs[name] = mask(String(value));
    },
    setSecret: (value) => {
      if (value !== "") secrets.add(value);
    },
    async appendSummary(markdown) {
      const text = withNewline(mask(markdown));
      io.summary += text;
      if (summaryFile) await appendFile(summaryFile, text);
      else if (!quiet) print(text.trimEnd());
    },
  };
  return io;
}

/** "src/a.ts:12:5: " in the form compilers use, so terminals and editors can jump to it. */
function location(properties: AnnotationProperties | undefined): string {
  if (!properties?.file) return "";
  const { file, startLine, startColumn } = properties;
  const line =
    startLine === undefined ? "" : `:${startLine}${startColumn === undefined ? "" : `:${startColumn}`}`;
  return `${file}${line}: `;
}
