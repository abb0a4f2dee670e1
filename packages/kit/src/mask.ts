/** What a masked secret is replaced with, as the GitHub runner does. */
export const MASK = "***";

/**
 * Replaces every occurrence of each secret in `text` with `***`.
 * Longer secrets go first so a secret that contains another is masked whole, and each line
 * of a multi-line secret is masked on its own, as the runner does, because logs split lines.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret === "") continue;
    needles.add(secret);
    if (/[\r\n]/.test(secret)) {
      for (const line of secret.split(/\r?\n|\r/)) if (line.trim() !== "") needles.add(line);
    }
  }
  let result = text;
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    result = result.split(needle).join(MASK);
  }
  return result;
}
