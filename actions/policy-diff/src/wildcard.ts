// `*` and `?` wildcards as IAM, RBAC and the enrolment format use them. A tiny matcher rather
// than a glob library: these wildcards cross "/" and ":" freely, unlike path globs.

const cache = new Map<string, RegExp>();

function compile(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? "i" : "s"}${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    const body = [...pattern]
      .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "[^*]" : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("");
    regex = new RegExp(`^${body}$`, caseInsensitive ? "is" : "s");
    cache.set(key, regex);
  }
  return regex;
}

/**
 * Whether every value `inner` matches is also matched by `outer`: `s3:Get*` covers
 * `s3:GetObject` and `s3:GetObject*`, `*` covers everything. A `*` in `outer` absorbs the
 * wildcards of `inner`; a `?` absorbs one character but never a `*`, so the answer errs on
 * "not covered" (a change reported) rather than on "covered" (a change hidden).
 */
export function wildcardCovers(
  outer: string,
  inner: string,
  options: { caseInsensitive?: boolean } = {},
): boolean {
  if (outer === inner || outer === "*") return true;
  if (!outer.includes("*") && !outer.includes("?")) {
    return options.caseInsensitive === true && outer.toLowerCase() === inner.toLowerCase();
  }
  return compile(outer, options.caseInsensitive === true).test(inner);
}

function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/**
 * Whether two wildcard patterns may match a common value. Errs on "yes": only a difference in
 * the literal text before the first wildcard (or in whole literals) proves they are apart.
 */
export function wildcardsMayOverlap(
  a: string,
  b: string,
  options: { caseInsensitive?: boolean } = {},
): boolean {
  const norm = (s: string) => (options.caseInsensitive ? s.toLowerCase() : s);
  const [x, y] = [norm(a), norm(b)];
  if (wildcardCovers(x, y) || wildcardCovers(y, x)) return true;
  const prefix = (s: string) => s.slice(0, s.search(/[*?]/) === -1 ? s.length : s.search(/[*?]/));
  const [px, py] = [prefix(x), prefix(y)];
  if (!hasWildcard(x) && !hasWildcard(y)) return x === y;
  return px.startsWith(py) || py.startsWith(px);
}
