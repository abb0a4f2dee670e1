/**
 * What to keep of a JSON value: `true` keeps it whole; an object keeps those members of an object
 * (each pruned in turn); `[keep]` keeps the first element of an array. A value of another shape
 * than its spec expects is kept whole, so reading `a?.b?.[0]` off the pruned value gives what it
 * gives off the full one.
 */
export type Keep = true | { readonly [member: string]: Keep } | readonly [Keep];

/** Raised on text that is not well-formed JSON. */
export class MalformedJson extends Error {}

/**
 * A `Keep` prepared for reading: member names listed once rather than per object read, and one
 * shape for every kind, which keeps the reader's property accesses monomorphic.
 */
interface Plan {
  kind: "whole" | "members" | "first";
  names: string[];
  plans: Plan[];
}
const WHOLE: Plan = { kind: "whole", names: [], plans: [] };

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids them raw in strings; this finds them
const CONTROL = /[\u0000-\u001f]/g;
const ESCAPES = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)));
const HEX4 = /^[0-9a-fA-F]{4}$/;
const LITERALS = ["true", "false", "null"];
const NO_NAMES: readonly string[] = [];
const plans = new WeakMap<object, Plan>();

/**
 * Reads JSON values out of a large text, checking every character as JSON.parse would but
 * building only what a `Keep` names: a log's result costs a few small objects instead of a few
 * dozen, and little is left for the garbage collector. Positions only move forward (`pos`), so
 * the next backslash and control character are searched for once across the text, not once per
 * string.
 */
export class PruningReader {
  pos = 0;
  /** Whether the string `stringEnd` last read has escapes. */
  private escaped = false;
  /** Which wanted name the key `memberValue` last read is. */
  private member = -1;
  private backslash = -1;
  private control = -1;

  constructor(readonly text: string) {}

  /** The pruned value at `pos`; `pos` moves past it. */
  read(keep: Keep): unknown {
    return this.value(planOf(keep));
  }

  /** Checks the value at `pos` and moves past it. */
  skip(): void {
    const { text } = this;
    const first = text.charCodeAt(this.pos);
    if (first === QUOTE) {
      this.pos = this.stringEnd(this.pos);
      return;
    }
    if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
      this.pos = this.scalarEnd(this.pos);
      return;
    }
    /** Open containers, innermost last: true for an object. */
    const open: boolean[] = [];
    let i = this.pos;
    for (;;) {
      // A value starts at i.
      const c = text.charCodeAt(i);
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        const object = c === OPEN_BRACE;
        i = this.space(i + 1);
        if (text.charCodeAt(i) !== (object ? CLOSE_BRACE : CLOSE_BRACKET)) {
          open.push(object);
          if (object) i = this.memberValue(i, NO_NAMES);
          continue;
        }
        i++;
      } else if (c === QUOTE) i = this.stringEnd(i);
      else i = this.scalarEnd(i);
      // A value ends at i: on to the next one, or close what it ends.
      for (;;) {
        if (open.length === 0) {
          this.pos = i;
          return;
        }
        i = this.space(i);
        const next = text.charCodeAt(i);
        const object = open[open.length - 1];
        if (next === COMMA) {
          i = this.space(i + 1);
          if (object) i = this.memberValue(i, NO_NAMES);
          break;
        }
        if (next !== (object ? CLOSE_BRACE : CLOSE_BRACKET)) throw new MalformedJson();
        open.pop();
        i++;
      }
    }
  }

  private value(plan: Plan): unknown {
    const { text } = this;
    const start = this.pos;
    const first = text.charCodeAt(start);
    if (plan.kind === "members" && first === OPEN_BRACE) return this.members(plan);
    if (plan.kind === "first" && first === OPEN_BRACKET) return this.firstElement(plan.plans[0] as Plan);
    if (first === QUOTE) {
      this.pos = this.stringEnd(start);
      return this.escaped ? JSON.parse(text.slice(start, this.pos)) : text.slice(start + 1, this.pos - 1);
    }
    this.skip();
    const end = this.pos;
    if (first >= ZERO && first <= NINE && end - start < 10) {
      // A small natural number (a line, an index) without a string for Number() to read.
      let n = 0;
      for (let i = start; i < end; i++) {
        const digit = text.charCodeAt(i) - ZERO;
        if (digit < 0 || digit > 9) return Number(text.slice(start, end));
        n = n * 10 + digit;
      }
      return n;
    }
    const token = text.slice(start, end);
    return first === MINUS || (first >= ZERO && first <= NINE) ? Number(token) : JSON.parse(token);
  }

  private members(plan: Plan): Record<string, unknown> {
    const kept: Record<string, unknown> = {};
    const { text } = this;
    let i = this.space(this.pos + 1);
    if (text.charCodeAt(i) !== CLOSE_BRACE) {
      for (;;) {
        this.pos = this.memberValue(i, plan.names);
        const found = this.member;
        if (found === -1) this.skip();
        else kept[plan.names[found] as string] = this.value(plan.plans[found] as Plan);
        i = this.space(this.pos);
        if (text.charCodeAt(i) !== COMMA) break;
        i = this.space(i + 1);
      }
      if (text.charCodeAt(i) !== CLOSE_BRACE) throw new MalformedJson();
    }
    this.pos = i + 1;
    return kept;
  }

  private firstElement(plan: Plan): unknown[] {
    const kept: unknown[] = [];
    const { text } = this;
    let i = this.space(this.pos + 1);
    if (text.charCodeAt(i) !== CLOSE_BRACKET) {
      for (;;) {
        this.pos = i;
        if (kept.length === 0) kept.push(this.value(plan));
        else this.skip();
        i = this.space(this.pos);
        if (text.charCodeAt(i) !== COMMA) break;
        i = this.space(i + 1);
      }
      if (text.charCodeAt(i) !== CLOSE_BRACKET) throw new MalformedJson();
    }
    this.pos = i + 1;
    return kept;
  }

  /**
   * From a member's key at `i`, checked, to the start of its value. Sets `member` to which of
   * `names` the key is (-1 if none), compared in place to spare a string per key.
   */
  private memberValue(i: number, names: readonly string[]): number {
    const { text } = this;
    if (text.charCodeAt(i) !== QUOTE) throw new MalformedJson();
    const end = this.stringEnd(i);
    this.member = -1;
    if (this.escaped) this.member = names.indexOf(JSON.parse(text.slice(i, end)));
    else {
      const length = end - i - 2;
      for (let n = 0; n < names.length; n++) {
        const name = names[n] as string;
        if (name.length === length && text.startsWith(name, i + 1)) {
          this.member = n;
          break;
        }
      }
    }
    const colon = this.space(end);
    if (text.charCodeAt(colon) !== COLON) throw new MalformedJson();
    return this.space(colon + 1);
  }

  /**
   * The end of the string that opens at `i`, checking its escapes and that no raw control
   * character is in it. Sets `escaped` to whether it has escapes.
   */
  private stringEnd(i: number): number {
    const { text } = this;
    let quote = text.indexOf('"', i + 1);
    let backslash = this.nextBackslash(i + 1);
    this.escaped = backslash < quote;
    for (; backslash < quote; backslash = this.nextBackslash(backslash)) {
      const escaped = text.charCodeAt(backslash + 1);
      if (!ESCAPES.has(escaped)) throw new MalformedJson();
      if (escaped === 0x75 && !HEX4.test(text.slice(backslash + 2, backslash + 6))) throw new MalformedJson();
      backslash += 2;
      if (backslash > quote) quote = text.indexOf('"', backslash); // that quote was escaped
    }
    if (quote === -1 || this.nextControl(i) < quote) throw new MalformedJson();
    return quote + 1;
  }

  /** The end of the number, true, false or null at `i`. */
  private scalarEnd(i: number): number {
    const { text } = this;
    for (const literal of LITERALS) if (text.startsWith(literal, i)) return i + literal.length;
    let j = text.charCodeAt(i) === MINUS ? i + 1 : i;
    j = text.charCodeAt(j) === ZERO ? j + 1 : digitsEnd(text, j);
    if (text.charCodeAt(j) === DOT) j = digitsEnd(text, j + 1);
    if ((text.charCodeAt(j) | 0x20) === 0x65 /* e or E */) {
      j++;
      if (text.charCodeAt(j) === PLUS || text.charCodeAt(j) === MINUS) j++;
      j = digitsEnd(text, j);
    }
    return j;
  }

  private space(i: number): number {
    const { text } = this;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
      i++;
    }
  }

  /** The first backslash at or after `i` (Infinity if none). */
  private nextBackslash(i: number): number {
    if (this.backslash < i) {
      const found = this.text.indexOf("\\", i);
      this.backslash = found === -1 ? Number.POSITIVE_INFINITY : found;
    }
    return this.backslash;
  }

  /** The first control character at or after `i` (Infinity if none). */
  private nextControl(i: number): number {
    if (this.control < i) {
      CONTROL.lastIndex = i;
      this.control = CONTROL.exec(this.text)?.index ?? Number.POSITIVE_INFINITY;
    }
    return this.control;
  }
}

/** At least one digit from `i`; where they end. */
function digitsEnd(text: string, i: number): number {
  let j = i;
  for (let c = text.charCodeAt(j); c >= ZERO && c <= NINE; c = text.charCodeAt(++j));
  if (j === i) throw new MalformedJson();
  return j;
}

function planOf(keep: Keep): Plan {
  if (keep === true) return WHOLE;
  let plan = plans.get(keep);
  if (!plan) {
    // Kept members are assigned: "__proto__" would set the prototype instead.
    if (Object.hasOwn(keep, "__proto__")) throw new Error("a Keep cannot name __proto__");
    plan = Array.isArray(keep)
      ? { kind: "first", names: [], plans: [planOf(keep[0])] }
      : { kind: "members", names: Object.keys(keep), plans: Object.values(keep).map(planOf) };
    plans.set(keep, plan);
  }
  return plan;
}
