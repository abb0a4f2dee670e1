import { UserError } from "@secflow/errors";
import type * as Sarif from "sarif";
import { type Keep, MalformedJson, PruningReader } from "./pruning-reader.ts";
import { parseSarif } from "./read.ts";

/**
 * A SARIF log read without parsing its results whole. Parsing a large log builds a tree of
 * millions of objects that outlives the young generation, and collecting it costs more than the
 * parse; here each result is read pruned, handed over and dropped, and only located in the text.
 */
export interface ScannedSarif {
  text: string;
  /** The log with every `results` array emptied: runs, tools, rules and properties. */
  log: Sarif.Log;
  /** Per run, the result objects as `[start, end)` offset pairs into `text`; undefined if the run has no `results`. */
  spans: (number[] | undefined)[];
}

/** Gets each result pruned, with where it is and its run's rules (for `ruleIndex`). */
export type EachResult = (
  result: Sarif.Result,
  run: number,
  index: number,
  rules: Sarif.ReportingDescriptor[] | undefined,
) => void;

/** Raised where the text is not the plain SARIF shape this scanner reads. */
class NotUnderstood extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Reads a SARIF log in one pass: each result of `runs[*].results` pruned to `keep` and handed to
 * `each`, the rest parsed; the whole text is checked to be JSON on the way. Returns undefined
 * where the text is anything else than well-formed SARIF (not JSON, duplicate `runs`, `results`
 * or `tool`, a result that is not an object, …), and then what `each` got is to be dropped: the
 * caller parses the text whole, which raises the precise UserError or handles what this scanner
 * does not.
 */
export function scanSarif(
  text: string,
  source: string,
  keep: Keep,
  each: EachResult,
): ScannedSarif | undefined {
  try {
    return scan(text, source, keep, each);
  } catch (error) {
    if (
      error instanceof NotUnderstood ||
      error instanceof MalformedJson ||
      error instanceof SyntaxError ||
      error instanceof UserError
    ) {
      return undefined;
    }
    throw error;
  }
}

/** Parses one located result in full. */
export function parseResult(scanned: ScannedSarif, run: number, index: number): Sarif.Result {
  const spans = scanned.spans[run] ?? [];
  return JSON.parse(scanned.text.slice(spans[2 * index], spans[2 * index + 1]));
}

/** Where the value of an object's member `name` is (`[start, end)`), the last one if repeated. */
export function memberSpan(text: string, start: number, name: string): [number, number] | undefined {
  let span: [number, number] | undefined;
  members(text, start, (key, at) => {
    const end = valueEnd(text, at);
    if (key === name) span = [at, end];
    return end;
  });
  return span;
}

function scan(text: string, source: string, keep: Keep, each: EachResult): ScannedSarif {
  const reader = new PruningReader(text);
  const spans: (number[] | undefined)[] = [];
  /** Offsets just inside the brackets of each `results` array: cut out of the skeleton. */
  const holes: number[] = [];
  let runs = false;
  const start = skipSpace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  members(text, start, (key, at) => {
    if (key !== "runs") return valueEnd(text, at);
    if (runs) throw new NotUnderstood();
    runs = true;
    return elements(text, at, (runAt) => {
      const run = spans.length;
      let located: number[] | undefined;
      let tool = false;
      let rules: Sarif.ReportingDescriptor[] | undefined;
      /** Results read before the run's tool, so before its rules are known: rare. */
      const waiting: Sarif.Result[] = [];
      const end = members(text, runAt, (runKey, valueAt) => {
        if (runKey === "tool") {
          if (tool) throw new NotUnderstood();
          tool = true;
          const toolEnd = valueEnd(text, valueAt);
          rules = JSON.parse(text.slice(valueAt, toolEnd))?.driver?.rules;
          return toolEnd;
        }
        if (runKey !== "results") return valueEnd(text, valueAt);
        if (located) throw new NotUnderstood();
        const list: number[] = (located = []);
        const close = elements(text, valueAt, (resultAt) => {
          if (text.charCodeAt(resultAt) !== OPEN_BRACE) throw new NotUnderstood();
          reader.pos = resultAt;
          const result = reader.read(keep) as Sarif.Result;
          if (tool) each(result, run, list.length / 2, rules);
          else waiting.push(result);
          list.push(resultAt, reader.pos);
          return reader.pos;
        });
        holes.push(valueAt + 1, close - 1);
        return close;
      });
      waiting.forEach((result, index) => each(result, run, index, rules));
      spans.push(located);
      return end;
    });
  });

  const pieces: string[] = [];
  let from = 0;
  for (let i = 0; i < holes.length; i += 2) {
    pieces.push(text.slice(from, holes[i]));
    from = holes[i + 1] as number;
  }
  pieces.push(text.slice(from));
  const log = parseSarif(pieces.join(""), source);
  // The parser must see the runs the scanner saw, each with an emptied `results` or none.
  const agrees =
    log.runs.length === spans.length &&
    log.runs.every((run, i) => (spans[i] ? run.results?.length === 0 : run.results === undefined));
  if (!agrees) throw new NotUnderstood();
  return { text, log, spans };
}

/** Walks an object's members; `onMember` gets each key and its value's offset, returns the value's end. */
function members(text: string, i: number, onMember: (key: string, at: number) => number): number {
  if (text.charCodeAt(i) !== OPEN_BRACE) throw new NotUnderstood();
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) throw new NotUnderstood();
    const keyEnd = stringEnd(text, i);
    const raw = text.slice(i + 1, keyEnd - 1);
    const key: string = raw.includes("\\") ? JSON.parse(text.slice(i, keyEnd)) : raw;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) throw new NotUnderstood();
    i = skipSpace(text, onMember(key, skipSpace(text, i + 1)));
    const next = text.charCodeAt(i);
    if (next === CLOSE_BRACE) return i + 1;
    if (next !== COMMA) throw new NotUnderstood();
    i = skipSpace(text, i + 1);
  }
}

/** Walks an array's elements; `onElement` gets each element's offset, returns its end. */
function elements(text: string, i: number, onElement: (at: number) => number): number {
  if (text.charCodeAt(i) !== OPEN_BRACKET) throw new NotUnderstood();
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return i + 1;
  for (;;) {
    i = skipSpace(text, onElement(i));
    const next = text.charCodeAt(i);
    if (next === CLOSE_BRACKET) return i + 1;
    if (next !== COMMA) throw new NotUnderstood();
    i = skipSpace(text, i + 1);
  }
}

/**
 * The end of the value at `i`, found by counting brackets outside strings. It does not check
 * the value: whatever it delimits is parsed by JSON.parse afterwards.
 */
function valueEnd(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return stringEnd(text, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let end = i;
    for (let c = first; c !== COMMA && c !== CLOSE_BRACE && c !== CLOSE_BRACKET && c > 0x20; ) {
      c = text.charCodeAt(++end);
    }
    if (end === i) throw new NotUnderstood();
    return end;
  }
  let depth = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    } else if (i >= text.length) throw new NotUnderstood(); // the text ended inside the value
    i++;
  }
}

/** The offset after the closing quote of the string that opens at `i`. */
function stringEnd(text: string, i: number): number {
  for (;;) {
    const quote = text.indexOf('"', i + 1);
    if (quote === -1) throw new NotUnderstood();
    // Escaped only when an odd number of backslashes precede it.
    let before = quote - 1;
    while (text.charCodeAt(before) === BACKSLASH) before--;
    if ((quote - before) % 2 === 1) return quote + 1;
    i = quote;
  }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}
