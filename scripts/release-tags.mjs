/**
 * The tags one release of an action carries: `<component>/vX.Y.Z` (immutable, the GitHub
 * Release) and the moving `<component>/vX` and `<component>/vX.Y` that teams reference with
 * `uses: <org>/secflow/actions/<name>@<component>/vX`. A `uses:` ref cannot contain a second `@`,
 * hence `/` as the separator.
 */
export function releaseTags(component, version) {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new Error(`${component}: "${version}" is not a release version X.Y.Z`);
  const [, major, minor] = match;
  return {
    release: `${component}/v${version}`,
    moving: [`${component}/v${major}`, `${component}/v${major}.${minor}`],
  };
}
