// Python's comments by line, found as Python's tokenizer finds them: a `#` inside a string (or
// inside an f-string's literal text) is not a comment, one inside an f-string's replacement
// field is (Python 3.12). Bandit reads its `# nosec` markers from these comments only.

const STRING_PREFIX = /^(?:[rubft]|br|rb|fr|rf|tr|rt)$/i;
const IDENTIFIER_CHAR = /[\p{L}\p{N}_]/u;

/** The comment text (from `#` to the end of the line) of each 1-based line that has one. */
export function pythonComments(source: string): Map<number, string> {
  const lexer = new PythonLexer(source.replace(/\r\n?/g, "\n"));
  lexer.code(false);
  return lexer.comments;
}

class PythonLexer {
  readonly comments = new Map<number, string>();
  private i = 0;
  private line = 1;

  constructor(private readonly s: string) {}

  /**
   * Code up to the end, or, in an f-string's replacement field, up to the `}` that closes it
   * (consumed) or the `:` that starts its format spec (not consumed).
   */
  code(field: boolean): "}" | ":" | "end" {
    let depth = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (c === "#") this.comment();
      else if (c === "\n") this.newline();
      else if (c === "\\") this.skipEscaped();
      else if (c === '"' || c === "'") this.string("");
      else if (IDENTIFIER_CHAR.test(c)) this.word();
      else {
        if (field) {
          if (c === "(" || c === "[" || c === "{") depth++;
          else if (c === ")" || c === "]") depth--;
          else if (c === "}" && depth-- === 0) {
            this.i++;
            return "}";
          } else if (c === ":" && depth === 0 && this.s[this.i + 1] !== "=") return ":";
        }
        this.i++;
      }
    }
    return "end";
  }

  private comment(): void {
    const end = this.s.indexOf("\n", this.i);
    const stop = end === -1 ? this.s.length : end;
    this.comments.set(this.line, this.s.slice(this.i, stop));
    this.i = stop;
  }

  private newline(): void {
    this.line++;
    this.i++;
  }

  /** A backslash and the character it escapes (a line continuation when that is a newline). */
  private skipEscaped(): void {
    if (this.s[this.i + 1] === "\n") this.line++;
    this.i += 2;
  }

  /** A name, a keyword or a number; a string prefix (`rb`, `f`, …) right before a quote starts a string. */
  private word(): void {
    const start = this.i;
    while (this.i < this.s.length && IDENTIFIER_CHAR.test(this.s[this.i] as string)) this.i++;
    const next = this.s[this.i];
    const word = this.s.slice(start, this.i);
    if ((next === '"' || next === "'") && STRING_PREFIX.test(word)) this.string(word);
  }

  /** A string literal starting at its quote; f- and t-strings have code in their `{…}` fields. */
  private string(prefix: string): void {
    const raw = /r/i.test(prefix);
    const formatted = /[ft]/i.test(prefix);
    const quote = this.s[this.i] as string;
    const triple = this.s.startsWith(quote.repeat(3), this.i);
    const closing = triple ? quote.repeat(3) : quote;
    this.i += closing.length;
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (this.s.startsWith(closing, this.i)) {
        this.i += closing.length;
        return;
      }
      if (c === "\n") {
        // A one-line string cannot span lines: Python stops with a syntax error here.
        if (!triple) return;
        this.newline();
      } else if (formatted && !raw && this.s.startsWith("\\N{", this.i)) {
        const end = this.s.indexOf("}", this.i);
        this.i = end === -1 ? this.s.length : end + 1;
      } else if (c === "\\" && !(formatted && (this.s[this.i + 1] === "{" || this.s[this.i + 1] === "}"))) {
        this.skipEscaped();
      } else if (formatted && c === "{") {
        if (this.s[this.i + 1] === "{") this.i += 2;
        else {
          this.i++;
          this.field();
        }
      } else this.i++;
    }
  }

  /** An f-string's replacement field after its `{`: code, then perhaps a format spec. */
  private field(): void {
    if (this.code(true) !== ":") return;
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (c === "}") {
        this.i++;
        return;
      }
      if (c === "{") {
        this.i++;
        this.field();
      } else if (c === "\n") this.newline();
      else this.i++;
    }
  }
}
