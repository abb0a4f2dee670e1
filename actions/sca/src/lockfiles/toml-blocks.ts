/**
 * The line of the `name = …` key of each `[[package]]` table in a TOML lockfile (Cargo.lock,
 * poetry.lock, uv.lock), in file order: the i-th entry belongs to the i-th parsed package.
 * Falls back to the header line when a table has no name key.
 */
export function packageNameLines(text: string): number[] {
  const lines = text.split("\n");
  const result: number[] = [];
  let inPackage = false;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line.startsWith("[")) {
      if (line === "[[package]]") {
        result.push(i + 1);
        inPackage = true;
      } else inPackage = false;
    } else if (inPackage && /^name\s*=/.test(line)) {
      result[result.length - 1] = i + 1;
      inPackage = false;
    }
  }
  return result;
}
