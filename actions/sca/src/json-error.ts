// Where a JSON document stops being JSON, as a line and column a person can go to. V8 gives a
// character position for some errors, none for others ("Unexpected token"), and quotes a piece of
// the file in those; so the place is found here, by a scan that follows the JSON grammar, and
// only V8's description is kept.

/** "not valid JSON at line 3, column 8 (Unexpected token 'x')" for a text JSON.parse refused. */
export function describeJsonError(text: string, error: Error): string {
  const offset = jsonErrorOffset(text) ?? positionIn(error.message) ?? text.length;
  const { line, column } = lineAndColumn(text, offset);
  // A byte order mark is not a column anyone sees.
  const shown = line === 1 && text.charCodeAt(0) === 0xfeff ? column - 1 : column;
  return `not valid JSON at line ${line}, column ${shown} (${description(error.message)})`;
}

/** V8's message without the position and without the quoted piece of the file. */
function description(message: string): string {
  return message
    .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, "")
    .replace(/ (?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?$/, "")
    .trim();
}

function positionIn(message: string): number | undefined {
  const match = / at position (\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The offset of the first character that cannot continue a JSON text (text.length when it ends
 * too early); undefined when the text is valid. Iterative, so deep nesting cannot overflow.
 */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const n = text.length;
  // What each open container expects next.
  const stack: ("object" | "array")[] = [];
  const skipSpace = () => {
    while (i < n && WHITESPACE.has(text[i] as string)) i++;
  };
  /** Reads one scalar, or opens a container; returns false at an error (i is where). */
  const value = (): boolean => {
    skipSpace();
    const c = text[i];
    if (c === "{" || c === "[") {
      stack.push(c === "{" ? "object" : "array");
      i++;
      return true;
    }
    if (c === '"') return string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number();
    const literal = c === "t" ? "true" : c === "f" ? "false" : c === "n" ? "null" : undefined;
    if (literal === undefined) return false;
    // At the first character that is not the literal's, as V8 reports it ("t1rue": the "1").
    for (const expected of literal) {
      if (text[i] !== expected) return false;
      i++;
    }
    return true;
  };
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          return false;
        }
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) return false;
    i += match[0].length;
    return true;
  };
  /** After an object's "{" or ",": a key and its colon. */
  const key = (): boolean => {
    skipSpace();
    if (text[i] !== '"' || !string()) return false;
    skipSpace();
    if (text[i] !== ":") return false;
    i++;
    return true;
  };

  let expectValue = true;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (;;) {
    if (expectValue) {
      const depth = stack.length;
      if (!value()) return Math.min(i, n);
      if (stack.length > depth) {
        // Just opened: an empty container closes at once, else its first member follows.
        skipSpace();
        const close = stack.at(-1) === "object" ? "}" : "]";
        if (text[i] === close) {
          stack.pop();
          i++;
        } else if (stack.at(-1) === "object" && !key()) return Math.min(i, n);
        else if (stack.at(-1) === "object" || stack.at(-1) === "array") continue;
      }
      expectValue = false;
    }
    skipSpace();
    const top = stack.at(-1);
    if (top === undefined) return i < n ? i : undefined;
    const c = text[i];
    if (c === ",") {
      i++;
      if (top === "object" && !key()) return Math.min(i, n);
      expectValue = true;
    } else if ((c === "}" && top === "object") || (c === "]" && top === "array")) {
      stack.pop();
      i++;
    } else return i;
  }
}
