import { describe, expect, it } from "vitest";
import { compareMaven } from "../src/versions/maven.ts";

// Orderings from Maven's own ComparableVersionTest (maven-artifact).
const QUALIFIERS = [
  "1-alpha2snapshot",
  "1-alpha2",
  "1-alpha-123",
  "1-beta-2",
  "1-beta123",
  "1-m2",
  "1-m11",
  "1-rc",
  "1-cr2",
  "1-rc123",
  "1-SNAPSHOT",
  "1",
  "1-sp",
  "1-sp2",
  "1-sp123",
  "1-abc",
  "1-def",
  "1-pom-1",
  "1-1-snapshot",
  "1-1",
  "1-2",
  "1-123",
];
const NUMBERS = [
  "2.0",
  "2-1",
  "2.0.a",
  "2.0.0.a",
  "2.0.2",
  "2.0.123",
  "2.1.0",
  "2.1-a",
  "2.1b",
  "2.1-c",
  "2.1-1",
  "2.1.0.1",
  "2.2",
  "2.123",
  "11.a2",
  "11.a11",
  "11.b2",
  "11.b11",
  "11.m2",
  "11.m11",
  "11",
  "11.a",
  "11b",
  "11c",
  "11m",
];

function expectAscending(versions: string[]) {
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      expect(
        compareMaven(versions[i] as string, versions[j] as string),
        `${versions[i]} < ${versions[j]}`,
      ).toBeLessThan(0);
      expect(
        compareMaven(versions[j] as string, versions[i] as string),
        `${versions[j]} > ${versions[i]}`,
      ).toBeGreaterThan(0);
    }
  }
}

describe("Maven version ordering", () => {
  it("orders qualifiers as Maven does", () => expectAscending(QUALIFIERS));
  it("orders numbers and mixed items as Maven does", () => expectAscending(NUMBERS));

  it.each([
    ["1", "1.0"],
    ["1", "1.0.0"],
    ["1", "1-0"],
    ["1.0", "1.0-0"],
    ["1a", "1-a"],
    ["1a", "1.0.0-a"],
    ["1x", "1.0-x"],
    ["1ga", "1"],
    ["1final", "1"],
    ["1cr", "1rc"],
    ["1a1", "1alpha1"],
    ["1b2", "1beta2"],
    ["1m3", "1milestone3"],
    ["1FINAL", "1"],
    ["1m3", "1MILESTONE3"],
    ["1-abcdefghijklmnopqrstuvwxyz", "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
  ])("treats %s and %s as equal", (a, b) => {
    expect(compareMaven(a, b)).toBe(0);
    expect(compareMaven(b, a)).toBe(0);
  });

  it.each([
    ["1.0-alpha-1", "1.0"],
    ["1.0-beta-1", "1.0-SNAPSHOT"],
    ["1.0-SNAPSHOT", "1.0"],
    ["1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"],
    ["1.0", "1.0-1"],
    ["2.0-1", "2.0.1"],
    ["2.0.1-klm", "2.0.1-lmn"],
    ["2.0.1", "2.0.1-xyz"],
    ["2.0.1-xyz", "2.0.1-123"],
    ["2.13.0", "2.13.4.2"],
    ["2.12.7.1", "2.13.0"],
    ["9.9.9", "10.0.0"],
  ])("orders %s before %s", (a, b) => {
    expect(compareMaven(a, b)).toBeLessThan(0);
    expect(compareMaven(b, a)).toBeGreaterThan(0);
  });

  it("compares numbers beyond 64 bits exactly", () => {
    expect(compareMaven("1.99999999999999999999", "1.100000000000000000000")).toBeLessThan(0);
  });
});
