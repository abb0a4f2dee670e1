// Maven's version ordering (org.apache.maven.artifact.versioning.ComparableVersion): versions are
// lists of numbers and qualifiers split at ".", "-" and digit/letter changes; a "-" or such a
// change opens a sub-list; trailing zeros, "ga", "final" and "release" are dropped; qualifiers
// order alpha < beta < milestone < rc = cr < snapshot < (release) < sp < anything else.
// No npm library implements it, hence this module.

type Item =
  | { kind: "int"; value: bigint }
  | { kind: "string"; value: string }
  | { kind: "list"; items: Item[] };

const QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const ALIASES: Record<string, string> = { ga: "", final: "", release: "", cr: "rc" };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(""));

/** Compares two Maven versions: negative, zero or positive. Any string is a valid Maven version. */
export function compareMaven(a: string, b: string): number {
  return compareItems(parseMaven(a), parseMaven(b));
}

function parseMaven(version: string): Item {
  const text = version.toLowerCase();
  const root: Item & { kind: "list" } = { kind: "list", items: [] };
  let list = root;
  const stack = [root];
  let isDigit = false;
  let start = 0;
  const openList = () => {
    const child: Item & { kind: "list" } = { kind: "list", items: [] };
    list.items.push(child);
    list = child;
    stack.push(child);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === ".") {
      list.items.push(i === start ? int("0") : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
    } else if (c === "-") {
      list.items.push(i === start ? int("0") : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      openList();
    } else if (c >= "0" && c <= "9") {
      if (!isDigit && i > start) {
        // "1.0-alpha1": the qualifier is followed by a digit, which also makes "a1" mean "alpha1".
        list.items.push(str(text.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, text.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (text.length > start) list.items.push(parseItem(isDigit, text.slice(start)));
  while (stack.length > 0) {
    const list = stack.pop() as Item & { kind: "list" };
    normalize(list, list === root);
  }
  return root;
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? int(text) : str(text, false);
}

function int(text: string): Item {
  return { kind: "int", value: BigInt(text) };
}

function str(text: string, followedByDigit: boolean): Item {
  let value = text;
  if (followedByDigit && value.length === 1) {
    value = value === "a" ? "alpha" : value === "b" ? "beta" : value === "m" ? "milestone" : value;
  }
  return { kind: "string", value: ALIASES[value] ?? value };
}

/**
 * Drops trailing "null" items (0, release qualifiers, empty lists) that do not change the order.
 * A sub-list left holding only a sub-list is that sub-list: "1-ga-1" and "1-0-1" are "1-1", as
 * Maven's version order specification trims "ga" (an alias of the release qualifier) and 0 before
 * a hyphen, and as osv-scalibr orders them.
 */
function normalize(list: Item & { kind: "list" }, root: boolean): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const item = list.items[i] as Item;
    if (isNull(item)) list.items.splice(i, 1);
    else if (item.kind !== "list") break;
  }
  const only = list.items[0];
  if (!root && list.items.length === 1 && only?.kind === "list") list.items = only.items;
}

function isNull(item: Item): boolean {
  if (item.kind === "int") return item.value === 0n;
  if (item.kind === "string") return item.value === "";
  return item.items.length === 0;
}

function qualifierKey(value: string): string {
  const index = QUALIFIERS.indexOf(value);
  return index === -1 ? `${QUALIFIERS.length}-${value}` : String(index);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `b` undefined stands for "nothing here", as Maven's null item. */
function compareItems(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case "int":
      if (b === undefined) return a.value === 0n ? 0 : 1;
      if (b.kind !== "int") return 1;
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    case "string":
      if (b === undefined) return compareStrings(qualifierKey(a.value), RELEASE_INDEX);
      if (b.kind === "int" || b.kind === "list") return -1;
      return compareStrings(qualifierKey(a.value), qualifierKey(b.value));
    case "list": {
      if (b === undefined) return a.items.length === 0 ? 0 : compareItems(a.items[0] as Item, undefined);
      if (b.kind === "int") return -1;
      if (b.kind === "string") return 1;
      const length = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < length; i++) {
        const left = a.items[i];
        const right = b.items[i];
        const result =
          left === undefined
            ? right === undefined
              ? 0
              : -compareItems(right, undefined)
            : compareItems(left, right);
        if (result !== 0) return result;
      }
      return 0;
    }
  }
}
