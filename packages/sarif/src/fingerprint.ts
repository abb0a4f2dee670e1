import { createHash } from "node:crypto";

/** The key under `partialFingerprints` that every secflow result carries. */
export const FINGERPRINT_KEY = "secflow/v1";

/** Folds whitespace so reformatting (indentation, trailing spaces) does not change identity. */
export function normalizeCode(text: string): string {
  // Most code is folded already (single spaces, none at the ends): keep the string, not a copy.
  if (!UNFOLDED.test(text)) return text;
  return text.replace(/\s+/g, " ").trim();
}

/** Whitespace other than a space, two spaces in a row, or a space at either end. */
const UNFOLDED = /[^\S ]| {2}|^ | $/;

/**
 * The location-independent part of a `secflow/v1` fingerprint: rule, path and the flagged code.
 * Line numbers are left out on purpose, so the fingerprint survives code moving within the file.
 * SCA and policy results pass their own identity parts (advisory, package, manifest; subject,
 * permission, resource) as `code`.
 */
export function contentHash(ruleId: string, path: string, code: string): string {
  return createHash("sha256")
    .update(ruleId)
    .update("\0")
    .update(path)
    .update("\0")
    .update(normalizeCode(code))
    .digest("hex")
    .slice(0, 32);
}

/** `<hash>:<n>`: the n-th (1-based) result with that hash in the run, counted in line order. */
export function formatFingerprint(hash: string, occurrence: number): string {
  return `${hash}:${occurrence}`;
}

/** The hash part of a fingerprint, without the occurrence counter. */
export function fingerprintHash(fingerprint: string): string {
  const colon = fingerprint.lastIndexOf(":");
  return colon === -1 ? fingerprint : fingerprint.slice(0, colon);
}
