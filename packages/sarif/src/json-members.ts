import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from "./json-bytes.ts";

/**
 * Finds members in the JSON text of one object without parsing it: used to splice a value into
 * a result's own text. The text is JSON.parse-checked elsewhere; malformed text throws.
 */
class NotUnderstood extends Error {}

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
