import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type * as Sarif from "sarif";

/** Bytes gathered before each write: few system calls, little memory. */
const BUFFER_BYTES = 1 << 20;

/**
 * Writes a log whose results arrive one at a time as JSON text, in run order: `log` holds
 * everything but the results, and each `result(run, text)` goes into its run's `results`. The
 * document is never held whole, so a log of any size is written in bounded memory.
 */
export class StreamedLogWriter {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  private readonly parts: (string | number)[];
  /** The next part to write. */
  private next = 0;
  /** Whether the open run has a result yet (for the commas). */
  private written = false;
  private open = -1;

  /** `tail(run)` gives results to add at the end of a run (JSON text), once its own are written. */
  constructor(
    readonly file: string,
    log: Sarif.Log,
    private readonly tail?: (run: number) => Iterable<string>,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, "w");
    this.parts = logParts(log);
  }

  /** Adds a result to run `run`; runs are filled in order. */
  result(run: number, text: string): void {
    if (run < this.open) throw new Error(`result for run ${run} after run ${this.open}`);
    while (this.open !== run) {
      if (this.next >= this.parts.length)
        throw new Error(`result for run ${run}, which the log does not have`);
      this.advance();
    }
    if (this.written) this.write(",");
    this.written = true;
    this.write(text);
  }

  /** Writes the rest of the log and closes the file. */
  close(): void {
    try {
      while (this.next < this.parts.length) this.advance();
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  /** Writes parts up to the next run's results (or to the end). */
  private advance(): void {
    if (this.open >= 0 && this.tail) {
      for (const text of this.tail(this.open)) {
        if (this.written) this.write(",");
        this.written = true;
        this.write(text);
      }
    }
    for (;;) {
      const part = this.parts[this.next++];
      if (part === undefined) return;
      if (typeof part === "number") {
        this.open = part;
        this.written = false;
        return;
      }
      this.write(part);
    }
  }

  private write(text: string): void {
    // At most 3 bytes per UTF-16 code unit.
    if (this.used + 3 * text.length > this.buffer.length) {
      this.flush();
      if (3 * text.length > this.buffer.length) {
        writeSync(this.fd, text);
        return;
      }
    }
    this.used += this.buffer.write(text, this.used);
  }

  private flush(): void {
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buffer, done, this.used - done);
    this.used = 0;
  }
}

/**
 * The log as compact JSON in pieces, keys in their order, with the index of each run where the
 * text of its results goes; a run without `results` gets them last.
 */
function logParts(log: Sarif.Log): (string | number)[] {
  const parts: (string | number)[] = [];
  let separator = "{";
  for (const [key, value] of Object.entries(log)) {
    parts.push(`${separator}${JSON.stringify(key)}:`);
    separator = ",";
    if (key !== "runs") {
      parts.push(JSON.stringify(value));
      continue;
    }
    parts.push("[");
    log.runs.forEach((run, i) => {
      let runSeparator = i > 0 ? ",{" : "{";
      const entries = Object.entries(run);
      if (!Object.hasOwn(run, "results")) entries.push(["results", []]);
      for (const [runKey, runValue] of entries) {
        parts.push(`${runSeparator}${JSON.stringify(runKey)}:`);
        runSeparator = ",";
        if (runKey === "results") parts.push("[", i, "]");
        else parts.push(JSON.stringify(runValue));
      }
      parts.push("}");
    });
    parts.push("]");
  }
  parts.push(separator === "{" ? "{}\n" : "}\n");
  return parts;
}
