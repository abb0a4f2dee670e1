// Lines of the keys of a JSON document whose values are objects ("node_modules/lodash": {…}),
// found with one pass over the text, so findings can point at the line that declares a package.

/** Maps a key path (segments joined with "\0") to the 1-based line of that key. */
export function objectKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const path: (string | undefined)[] = [];
  // For each open container: is it an object, and the key whose value it is.
  const stack: { object: boolean }[] = [];
  let line = 1;
  let pendingKey: { key: string; line: number } | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
    } else if (c === 34) {
      // A string: find its end, honouring escapes.
      let j = i + 1;
      let escaped = false;
      let simple = true;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (escaped) escaped = false;
        else if (d === 92) {
          escaped = true;
          simple = false;
        } else if (d === 34) break;
        j++;
      }
      const raw = text.slice(i + 1, j);
      const startLine = line;
      i = j + 1;
      // A key is a string followed by ":" inside an object.
      let k = i;
      while (
        k < n &&
        (text.charCodeAt(k) === 32 ||
          text.charCodeAt(k) === 9 ||
          text.charCodeAt(k) === 13 ||
          text.charCodeAt(k) === 10)
      )
        k++;
      if (text.charCodeAt(k) === 58 && stack.at(-1)?.object) {
        pendingKey = { key: simple ? raw : safeParse(raw), line: startLine };
      }
    } else if (c === 123 || c === 91) {
      const object = c === 123;
      path.push(pendingKey?.key);
      if (object && pendingKey) lines.set(keyPath(path), pendingKey.line);
      stack.push({ object });
      pendingKey = undefined;
      i++;
    } else if (c === 125 || c === 93) {
      stack.pop();
      path.pop();
      pendingKey = undefined;
      i++;
    } else {
      if (c === 44) pendingKey = undefined;
      i++;
    }
  }
  return lines;
}

function keyPath(path: (string | undefined)[]): string {
  // The document itself has no key; array items have none either.
  return path
    .slice(1)
    .map((p) => p ?? "")
    .join("\0");
}

function safeParse(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

export function jsonPath(...segments: string[]): string {
  return segments.join("\0");
}
