import { type FileHandle, open, readFile, stat } from "node:fs/promises";
import { UserError } from "@secflow/errors";
import type * as Sarif from "sarif";
import { fileChunks } from "./file-chunks.ts";
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from "./json-bytes.ts";
import { MAX_JSON_DEPTH, parseSarif } from "./read.ts";

/**
 * Gets each result of `runs[*].results` as its JSON text, in file order, with the rules of its
 * run (`tool.driver.rules`, for a result that names its rule by `ruleIndex`). A result is handed
 * over only once its run's `tool` has been read: results written before it wait.
 */
export type OnResult = (
  text: string,
  run: number,
  index: number,
  rules: Sarif.ReportingDescriptor[] | undefined,
) => void;

export interface StreamHandlers {
  result?: OnResult;
  /** Every byte of the file, in order (for a digest); a chunk is valid only during the call. */
  chunk?: (bytes: Buffer) => void;
}

export interface StreamedSarif {
  /** The log with every `results` array emptied: runs, tools, rules and properties, shape-checked. */
  log: Sarif.Log;
  /** Per run, how many results it has; undefined for a run without `results`. */
  resultCounts: (number | undefined)[];
  bytes: number;
}

/** Any size streams in bounded memory; this bounds the time a file can cost (2 GB reads in seconds). */
export const MAX_STREAMED_BYTES = 8 * 2 ** 30;
/** Everything but the results (tools, rules, artifacts, properties) is parsed whole: this bounds it. */
export const MAX_ENVELOPE_BYTES = 256 * 1024 * 1024;
/** The largest single result; no tool writes one near it. */
export const MAX_RESULT_BYTES = 64 * 1024 * 1024;
/** Files this small are re-read whole on a JSON error, for the exact line and column. */
const EXACT_ERRORS_UP_TO = 64 * 1024 * 1024;
const CHUNK_BYTES = 4 * 1024 * 1024;

const OBJECT = 1;
const ARRAY = 2;

/**
 * Reads a SARIF file of any size in bounded memory: the file is read in chunks, each result is
 * cut out of the text and handed to `handlers.result` as a string, and only the rest of the log
 * is kept and parsed. Malformed input (missing, empty, truncated, not JSON, not SARIF 2.1.0,
 * nested too deep, a result too large) is a UserError naming the file and the problem.
 */
export async function streamSarif(
  file: string,
  handlers: StreamHandlers = {},
  options: {
    chunkBytes?: number;
    /** How messages name the file (default: its path). */
    source?: string;
  } = {},
): Promise<StreamedSarif> {
  const source = options.source ?? file;
  const size = await fileSize(file, source);
  if (size === 0) throw new UserError(`${source}: the file is empty; expected a SARIF 2.1.0 log`);
  if (size > MAX_STREAMED_BYTES) {
    throw new UserError(
      `${source}: ${(size / 2 ** 30).toFixed(1)} GB is more than the ${MAX_STREAMED_BYTES / 2 ** 30} GB a SARIF file may have; split it (one file per tool or category)`,
    );
  }
  const scanner = new ResultScanner(source, handlers.result);
  const handle = await openFile(file, source);
  try {
    // The scanner copies what it keeps of a chunk.
    for await (const chunk of fileChunks(handle, options.chunkBytes ?? CHUNK_BYTES)) {
      handlers.chunk?.(chunk);
      scanner.push(chunk);
    }
    const envelope = scanner.end();
    let log: Sarif.Log;
    try {
      log = parseSarif(envelope, source);
    } catch (error) {
      // The envelope's offsets are not the file's: re-read a small file whole for the exact place.
      if (size <= EXACT_ERRORS_UP_TO) await exactError(file, source);
      throw error;
    }
    const counts = scanner.resultCounts;
    const agrees =
      log.runs.length === counts.length &&
      log.runs.every((run, i) =>
        counts[i] === undefined ? run.results === undefined : run.results?.length === 0,
      );
    if (!agrees)
      throw new UserError(
        `${source}: the runs could not be read apart (a duplicate "runs" or "results" member?)`,
      );
    return { log, resultCounts: counts, bytes: size };
  } catch (error) {
    if (error instanceof ResultJsonError && size <= EXACT_ERRORS_UP_TO) await exactError(file, source);
    if (error instanceof JsonError) {
      if (size <= EXACT_ERRORS_UP_TO) await exactError(file, source);
      throw new UserError(`${source}: not valid JSON — ${error.message}`);
    }
    throw error;
  } finally {
    await handle.close();
  }
}

/** Opened only after `fileSize` said it is a file: opening a FIFO would wait for a writer. */
async function openFile(file: string, source: string): Promise<FileHandle> {
  return open(file, "r").catch((error) => {
    throw cannotRead(source, error);
  });
}

async function fileSize(file: string, source: string): Promise<number> {
  const info = await stat(file).catch((error) => {
    throw cannotRead(source, error);
  });
  if (!info.isFile()) throw new UserError(`${source}: is not a file`);
  return info.size;
}

function cannotRead(source: string, error: unknown): UserError {
  return new UserError(
    `${source}: cannot read SARIF file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
  );
}

/** Parses a small file whole, which throws the UserError with the exact line and column. */
async function exactError(file: string, source: string): Promise<void> {
  parseSarif((await readFile(file)).toString("utf8"), source);
}

/** Raised where the text is not JSON; the message says what and where. */
class JsonError extends Error {}

function parseJson(text: string, what: string) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JsonError(`${what}: ${(error as Error).message}`);
  }
}

/**
 * Parses a result's text as `streamSarif` handed it over; malformed JSON is a UserError naming
 * the file and the result.
 */
export function parseResultText(text: string, source: string, run: number, index: number): Sarif.Result {
  try {
    return JSON.parse(text);
  } catch (error) {
    const what = (error as Error).message.replace(/, ".*is not valid JSON$/s, "");
    throw new ResultJsonError(`${source}: /runs/${run}/results/${index} is not valid JSON — ${what}`);
  }
}

/** A result that is not JSON: for a small file, `streamSarif` says where in the file instead. */
class ResultJsonError extends UserError {}

/** Bytes gathered across chunks: the part of each chunk from `from` on, until `take`. */
class Capture {
  parts: Buffer[] = [];
  bytes = 0;
  from = -1;

  start(at: number): void {
    this.from = at;
  }

  /** At a chunk's end: keeps what the chunk holds of the capture. */
  carry(chunk: Buffer, limit: number, what: string): void {
    if (this.from < 0) return;
    this.add(chunk.subarray(this.from), limit, what);
    this.from = 0;
  }

  /** Ends the capture before `end` (exclusive) and returns its text. */
  take(chunk: Buffer, end: number): string {
    const tail = chunk.subarray(this.from, end);
    this.from = -1;
    if (this.parts.length === 0) return tail.toString("utf8");
    this.parts.push(tail);
    const text = Buffer.concat(this.parts).toString("utf8");
    this.parts = [];
    this.bytes = 0;
    return text;
  }

  /** Ends the capture at `end` and keeps its bytes (for the envelope). */
  pause(chunk: Buffer, end: number, limit: number, what: string): void {
    this.add(chunk.subarray(this.from, end), limit, what);
    this.from = -1;
  }

  private add(bytes: Buffer, limit: number, what: string): void {
    this.bytes += bytes.length;
    if (this.bytes > limit) throw new UserError(`${what} is larger than ${limit / 1048576} MB`);
    this.parts.push(Buffer.from(bytes)); // a copy: the chunk's buffer is read into again
  }
}

/**
 * A push scanner over the bytes of a SARIF log. It tracks only what it needs to cut the results
 * out — containers, strings and the keys of the log and its runs — and leaves checking the JSON
 * to JSON.parse: of each result, and of the rest (the envelope) at the end. In UTF-8 no byte of a
 * multi-byte character is ASCII, so scanning bytes for quotes and brackets is exact.
 */
class ResultScanner {
  readonly resultCounts: (number | undefined)[] = [];
  private offset = 0;
  private readonly stack: number[] = [];
  private expectKey = false;
  /** The key just read in the log object or a run object, until its value starts. */
  private key: string | undefined;
  private inString = false;
  /** Backslashes at the end of the last chunk, inside a string. */
  private backslashes = 0;
  private sawRuns = false;
  private runsOpen = false;
  private run = -1;
  private rules: Sarif.ReportingDescriptor[] | undefined;
  private toolRead = false;
  private waiting: string[] = [];
  private waitingBytes = 0;
  /** Inside a run's `results` array: 0 between results, else the depth inside one. */
  private inResults = false;
  private resultDepth = 0;
  /** Between results: a result or `]` may come (false right after a result: `,` or `]`). */
  private elementNext = true;
  private ended = false;
  private started = false;
  private readonly envelope = new Capture();
  private readonly keyText = new Capture();
  private readonly toolText = new Capture();
  private toolDepth = -1;
  private readonly resultText = new Capture();

  constructor(
    private readonly source: string,
    private readonly onResult: OnResult | undefined,
  ) {}

  push(chunk: Buffer): void {
    let i = 0;
    if (!this.started) {
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
      this.started = true;
      this.envelope.start(i);
    }
    // Captures still open from the last chunk go on from this one's start (see Capture.carry).
    const n = chunk.length;
    while (i < n) {
      if (this.inString) {
        i = this.stringEnd(chunk, i);
        continue;
      }
      if (this.inResults) {
        i = this.results(chunk, i);
        continue;
      }
      i = this.structure(chunk, i);
    }
    this.envelope.carry(chunk, MAX_ENVELOPE_BYTES, `${this.source}: everything but the results`);
    this.keyText.carry(chunk, 1 << 20, `${this.source}: a key`);
    this.toolText.carry(chunk, MAX_ENVELOPE_BYTES, `${this.source}: a run's tool`);
    this.resultText.carry(chunk, MAX_RESULT_BYTES, `${this.source}: result ${this.where()}`);
    this.offset += n;
  }

  /** The envelope's text, once the whole file was pushed. */
  end(): string {
    if (!this.started || (!this.ended && this.stack.length === 0 && !this.inString)) {
      throw new JsonError("the file holds only white space; expected a SARIF 2.1.0 log");
    }
    if (this.stack.length > 0 || this.inString) {
      throw new JsonError(`the file ends early (truncated after ${this.offset} bytes?)`);
    }
    return Buffer.concat(this.envelope.parts).toString("utf8");
  }

  private where(): string {
    return `/runs/${this.run}/results/${this.resultCounts[this.run] ?? 0}`;
  }

  /** Past the closing quote of the string the scanner is in, or the chunk's end. */
  private stringEnd(chunk: Buffer, i: number): number {
    const quote = closingQuote(chunk, i, this.backslashes);
    if (quote === -1) {
      let k = chunk.length - 1;
      while (k >= i && chunk[k] === BACKSLASH) k--;
      const trailing = chunk.length - 1 - k;
      this.backslashes = k < i ? this.backslashes + trailing : trailing;
      return chunk.length;
    }
    this.backslashes = 0;
    this.inString = false;
    if (this.keyText.from >= 0) this.key = parseJson(`"${this.keyText.take(chunk, quote)}"`, "a key");
    return quote + 1;
  }

  /** Everything outside the results: containers, and the keys that lead to runs and results. */
  private structure(chunk: Buffer, i: number): number {
    const c = chunk[i] as number;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) return i + 1;
    const at = this.offset + i;
    if (this.ended) throw new JsonError(`unexpected text after the log at byte ${at}`);
    const depth = this.stack.length;
    if (depth === 0 && c !== OPEN_BRACE) {
      throw new JsonError(
        `expected a SARIF log object at byte ${at}, found ${JSON.stringify(String.fromCharCode(c))}`,
      );
    }
    if (c === QUOTE) {
      this.inString = true;
      const keyed = this.expectKey && (depth === 1 || (depth === 3 && this.runsOpen));
      if (keyed) this.keyText.start(i + 1);
      else this.key = undefined;
      this.expectKey = false;
      return i + 1;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth >= MAX_JSON_DEPTH) {
        throw new UserError(
          `${this.source}: nested more than ${MAX_JSON_DEPTH} levels deep; no SARIF producer writes that, so it is refused`,
        );
      }
      const key = this.key;
      this.key = undefined;
      this.expectKey = c === OPEN_BRACE;
      this.stack.push(c === OPEN_BRACE ? OBJECT : ARRAY);
      if (depth === 1 && key === "runs" && c === OPEN_BRACKET) {
        if (this.sawRuns) throw new UserError(`${this.source}: the log has two "runs" members`);
        this.sawRuns = this.runsOpen = true;
      } else if (depth === 2 && this.runsOpen && c === OPEN_BRACE) {
        this.run++;
        this.resultCounts.push(undefined);
        this.rules = undefined;
        this.toolRead = false;
      } else if (depth === 3 && this.runsOpen && key === "tool" && c === OPEN_BRACE) {
        if (this.toolRead) throw new UserError(`${this.source}: /runs/${this.run} has two "tool" members`);
        this.toolText.start(i);
        this.toolDepth = depth;
      } else if (depth === 3 && this.runsOpen && key === "results" && c === OPEN_BRACKET) {
        if (this.resultCounts[this.run] !== undefined) {
          throw new UserError(`${this.source}: /runs/${this.run} has two "results" members`);
        }
        this.resultCounts[this.run] = 0;
        this.envelope.pause(chunk, i + 1, MAX_ENVELOPE_BYTES, `${this.source}: everything but the results`);
        this.inResults = true;
        this.elementNext = true;
      }
      return i + 1;
    }
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      const open = this.stack.pop();
      if (open !== (c === CLOSE_BRACE ? OBJECT : ARRAY)) {
        throw new JsonError(`unexpected ${String.fromCharCode(c)} at byte ${at}`);
      }
      this.expectKey = false;
      this.key = undefined;
      const left = depth - 1;
      if (left === 3 && this.toolDepth === 3 && this.runsOpen) {
        this.rules = parseJson(this.toolText.take(chunk, i + 1), `/runs/${this.run}/tool`)?.driver?.rules;
        this.toolRead = true;
        this.toolDepth = -1;
        this.flushWaiting();
      } else if (left === 2 && this.runsOpen) {
        this.flushWaiting();
      } else if (left === 1 && this.runsOpen) {
        this.runsOpen = false;
      } else if (left === 0) {
        this.ended = true;
      }
      return i + 1;
    }
    if (c === COMMA) {
      this.expectKey = this.stack[depth - 1] === OBJECT;
      this.key = undefined;
    }
    return i + 1;
  }

  /** Inside a run's `results`: cuts each result out; the hot loop for a large log. */
  private results(chunk: Buffer, i: number): number {
    const n = chunk.length;
    let depth = this.resultDepth;
    while (i < n) {
      const c = chunk[i] as number;
      if (depth > 0) {
        if (c === QUOTE) {
          // Most strings end in the chunk they start in: skip them here, without a state change.
          const quote = closingQuote(chunk, i + 1, 0);
          if (quote !== -1) {
            i = quote + 1;
            continue;
          }
          this.resultDepth = depth;
          this.inString = true;
          return i + 1;
        }
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          if (++depth + 4 > MAX_JSON_DEPTH) {
            throw new UserError(
              `${this.source}: ${this.where()} is nested more than ${MAX_JSON_DEPTH} levels deep; no SARIF producer writes that, so it is refused`,
            );
          }
        } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) {
          this.resultDepth = 0;
          this.emit(this.resultText.take(chunk, i + 1));
          this.elementNext = false;
        }
        i++;
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      if (c === OPEN_BRACE && this.elementNext) {
        depth = 1;
        this.resultText.start(i);
      } else if (c === COMMA && !this.elementNext) {
        this.elementNext = true;
      } else if (c === CLOSE_BRACKET && (!this.elementNext || this.resultCounts[this.run] === 0)) {
        // The bracket closes the emptied array in the envelope.
        this.inResults = false;
        this.stack.pop();
        this.envelope.start(i);
        this.resultDepth = 0;
        return i + 1;
      } else if (this.elementNext && c !== CLOSE_BRACKET && c !== COMMA) {
        throw new UserError(`${this.source}: ${this.where()} is not an object; a result must be one`);
      } else {
        throw new JsonError(`unexpected ${String.fromCharCode(c)} at byte ${this.offset + i}`);
      }
      i++;
    }
    this.resultDepth = depth;
    return i;
  }

  private emit(text: string): void {
    const index = this.resultCounts[this.run] as number;
    this.resultCounts[this.run] = index + 1;
    if (!this.onResult) return;
    if (this.toolRead) {
      this.onResult(text, this.run, index, this.rules);
      return;
    }
    // Written before its run's tool: waits for the rules, within a bound.
    this.waitingBytes += text.length;
    if (this.waitingBytes > MAX_ENVELOPE_BYTES) {
      throw new UserError(
        `${this.source}: /runs/${this.run} has more than ${MAX_ENVELOPE_BYTES / 1048576} MB of results before its "tool"; write "tool" first`,
      );
    }
    this.waiting.push(text);
  }

  private flushWaiting(): void {
    const waiting = this.waiting;
    this.waiting = [];
    this.waitingBytes = 0;
    waiting.forEach((text, index) => this.onResult?.(text, this.run, index, this.rules));
  }
}

/**
 * The first quote from `start` on that ends a string, or -1 when the chunk has none. A quote is
 * escaped by an odd number of backslashes before it; `carried` counts those at the end of the
 * last chunk, for a run that reaches `start`.
 */
function closingQuote(chunk: Buffer, start: number, carried: number): number {
  for (let quote = chunk.indexOf(QUOTE, start); quote !== -1; quote = chunk.indexOf(QUOTE, quote + 1)) {
    let k = quote - 1;
    while (k >= start && chunk[k] === BACKSLASH) k--;
    const escapes = quote - 1 - k + (k < start ? carried : 0);
    if (escapes % 2 === 0) return quote;
  }
  return -1;
}
