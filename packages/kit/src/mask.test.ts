import { describe, expect, it } from "vitest";
import { redact } from "./mask.ts";

describe("redact", () => {
  it("replaces every occurrence of each secret", () => {
    expect(redact("token ghp_abc used, ghp_abc again", ["ghp_abc"])).toBe("token *** used, *** again");
  });

  it("masks the longer of two overlapping secrets whole", () => {
    expect(redact("pw=hunter2-extra", ["hunter2", "hunter2-extra"])).toBe("pw=***");
  });

  it("masks each line of a multi-line secret", () => {
    const key = "-----BEGIN KEY-----\nAAAABBBB\n-----END KEY-----";
    expect(redact("line: AAAABBBB", [key])).toBe("line: ***");
    expect(redact(`all: ${key}`, [key])).toBe("all: ***");
  });

  it("ignores empty secrets and treats secrets as text, not patterns", () => {
    expect(redact("a.b a+b", ["", "a+b"])).toBe("a.b ***");
  });
});
