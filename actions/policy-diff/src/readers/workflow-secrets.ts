import type { Node } from "yaml";

export interface SecretReference {
  /** Upper case, as GitHub stores secret names; `*` when the expression can read any secret. */
  name: string;
  node: Node;
}

const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;
const NAMED = /\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*(['"])([^'"]+)\2\s*\])/g;
const ANY = /\bsecrets\b/g;

/**
 * Secrets referenced in `${{ … }}` expressions among these scalars. Any other use of the
 * `secrets` context (`toJSON(secrets)`, `secrets[format(…)]`) can read every secret: `*`.
 */
export function referencedSecrets(scalars: readonly { text: string; node: Node }[]): SecretReference[] {
  const found: SecretReference[] = [];
  for (const { text, node } of scalars) {
    for (const [, expression = ""] of text.matchAll(EXPRESSION)) {
      const named = [...expression.matchAll(NAMED)];
      for (const match of named) found.push({ name: (match[1] ?? match[3] ?? "").toUpperCase(), node });
      // Uses of `secrets` that name no secret: the expression may read any of them.
      if ([...expression.matchAll(ANY)].length > named.length) found.push({ name: "*", node });
    }
  }
  return found;
}
