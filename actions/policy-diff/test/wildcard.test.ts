import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wildcardCovers, wildcardsMayOverlap } from "../src/wildcard.ts";

const pattern = fc.stringMatching(/^[ab*?:]{0,6}$/);
/** A concrete value the pattern matches: each `*` becomes 0–2 letters, each `?` one. */
const expand = (p: string, seed: number) =>
  [...p].map((ch, i) => (ch === "*" ? "ab".slice(0, (seed + i) % 3) : ch === "?" ? "b" : ch)).join("");
const matches = (p: string, value: string) =>
  new RegExp(`^${p.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s").test(value);

describe("wildcards", () => {
  it("cover the values they match and what IAM users expect", () => {
    expect(wildcardCovers("s3:Get*", "s3:GetObject")).toBe(true);
    expect(wildcardCovers("s3:Get*", "s3:GetObject*")).toBe(true);
    expect(wildcardCovers("s3:GetObject", "s3:Get*")).toBe(false);
    expect(wildcardCovers("S3:getobject", "s3:GetObject", { caseInsensitive: true })).toBe(true);
    expect(wildcardCovers("arn:aws:s3:::a/*", "arn:aws:s3:::a/b/c")).toBe(true);
    expect(wildcardCovers("a?c", "a*c")).toBe(false);
  });

  it("never claim to cover a pattern that matches a value they do not", () => {
    fc.assert(
      fc.property(pattern, pattern, fc.nat(), (outer, inner, seed) => {
        if (!wildcardCovers(outer, inner)) return;
        const value = expand(inner, seed);
        expect(matches(inner, value)).toBe(true);
        expect(matches(outer, value)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("say two patterns may overlap whenever a value matches both", () => {
    fc.assert(
      fc.property(pattern, pattern, fc.nat(), (a, b, seed) => {
        const value = expand(a, seed);
        if (matches(b, value)) expect(wildcardsMayOverlap(a, b)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
