import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations
import { compile } from "../scripts/compile-schemas.mjs";

describe("precompiled validators", () => {
  it.each([
    ["sarif-2.1.0.validator.js", "sarif-schema-2.1.0.json"],
    ["profile-v1.validator.js", "secflow-profile-v1.schema.json"],
  ])("%s matches schema/%s (run `npm run compile-schemas -w packages/sarif` after editing a schema)", (generated, schema) => {
    expect(readFileSync(new URL(`../src/generated/${generated}`, import.meta.url), "utf8")).toBe(
      compile(schema),
    );
  });

  // The team's reference copy sits beside the clone in CI; a clone without it skips this check.
  const reference = new URL("../../../../shared/reference/schemas/sarif-schema-2.1.0.json", import.meta.url);
  it.skipIf(!existsSync(reference))(
    "keeps the official schema identical to the OASIS copy in shared/reference",
    () => {
      expect(readFileSync(new URL("../schema/sarif-schema-2.1.0.json", import.meta.url), "utf8")).toBe(
        readFileSync(reference, "utf8"),
      );
    },
  );
});
