import { describe, expect, it } from "vitest";
import { checkLicenses, licenseProblem, validatePolicy } from "../src/licenses.ts";
import { parseNpmLock } from "../src/lockfiles/npm.ts";
import { fixtureInput } from "./helpers.ts";

describe("license policy", () => {
  it.each([
    ["MIT", { allow: [], deny: ["GPL-3.0-only"] }, undefined],
    ["GPL-3.0-only", { allow: [], deny: ["GPL-3.0-only"] }, "denied"],
    ["GPL-3.0-or-later", { allow: [], deny: ["GPL-3.0-only"] }, "denied"],
    ["(MIT OR GPL-3.0-only)", { allow: [], deny: ["GPL-3.0-only"] }, undefined],
    ["(MIT AND GPL-3.0-only)", { allow: [], deny: ["GPL-3.0-only"] }, "denied"],
    // An exception makes another license: denying plain GPL-2.0-only does not deny it.
    ["GPL-2.0-only WITH Classpath-exception-2.0", { allow: [], deny: ["GPL-2.0-only"] }, undefined],
    [
      "GPL-2.0-only WITH Classpath-exception-2.0",
      { allow: [], deny: ["GPL-2.0-only WITH Classpath-exception-2.0"] },
      "denied",
    ],
    ["Apache-2.0", { allow: ["MIT", "Apache-2.0"], deny: [] }, undefined],
    ["(MIT OR LGPL-2.1-only)", { allow: ["MIT"], deny: [] }, undefined],
    ["ISC", { allow: ["MIT", "Apache-2.0"], deny: [] }, "not-allowed"],
    ["SEE LICENSE IN LICENSE.md", { allow: ["MIT"], deny: [] }, "unknown"],
    ["UNLICENSED", { allow: [], deny: ["GPL-3.0-only"] }, "unknown"],
    [undefined, { allow: [], deny: ["GPL-3.0-only"] }, "unknown"],
    [undefined, { allow: [], deny: [] }, undefined],
  ] as const)("%s under %j is %s", (license, policy, expected) => {
    expect(licenseProblem(license, { allow: [...policy.allow], deny: [...policy.deny] })).toBe(expected);
  });

  it("reports each package of a real lockfile; packages without license data as unknown", async () => {
    const v3 = await parseNpmLock(await fixtureInput("npm-v3/package-lock.json"));
    expect(
      checkLicenses(v3.packages, { allow: [], deny: ["MIT"] })
        .map((f) => `${f.package.name} ${f.problem}`)
        .sort(),
    ).toEqual([
      "@types/minimist denied",
      "lodash denied",
      "minimist denied",
      "minimist denied",
      "minimist denied",
      "mkdirp denied",
      "optimist unknown", // optimist 0.6.1 declares "MIT/X11", which is not SPDX
      "wordwrap denied",
    ]);
    const v1 = await parseNpmLock(await fixtureInput("npm-v1/package-lock.json"));
    expect(new Set(checkLicenses(v1.packages, { allow: ["MIT"], deny: [] }).map((f) => f.problem))).toEqual(
      new Set(["unknown"]),
    );
    expect(
      checkLicenses(v3.packages, { allow: ["MIT"], deny: [] }).map(
        (f) => `${f.package.name} ${f.problem} ${f.license}`,
      ),
    ).toEqual(["optimist unknown MIT/X11"]);
  });

  it("refuses entries that are not one SPDX license", () => {
    const where = { allow: 'Input "licenses-allow"', deny: "secflow.yml: sca.licenses.deny" };
    expect(() =>
      validatePolicy({ allow: ["MIT", "Apache-2.0 WITH LLVM-exception", "GPL-2.0+"], deny: [] }, where),
    ).not.toThrow();
    expect(() => validatePolicy({ allow: ["Apache 2"], deny: [] }, where)).toThrow(
      /Input "licenses-allow": "Apache 2" is not an SPDX license identifier/,
    );
    expect(() => validatePolicy({ allow: [], deny: ["MIT OR GPL-3.0-only"] }, where)).toThrow(
      /sca.licenses.deny: "MIT OR GPL-3.0-only" combines licenses/,
    );
  });
});
