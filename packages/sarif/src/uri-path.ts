/** Repository-relative POSIX path → URI reference (spaces, `#`, `%` and `?` escaped). */
export function encodePath(path: string): string {
  return path
    .replace(/\\/g, "/")
    .replace(/^\.\//, "")
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/%40/g, "@").replace(/%2B/g, "+"))
    .join("/");
}

/** The inverse of `encodePath`, for reading URIs back into paths. */
export function decodePath(uri: string): string {
  if (!uri.includes("%")) return uri; // the common case, and a hot path when baselining large logs
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}
