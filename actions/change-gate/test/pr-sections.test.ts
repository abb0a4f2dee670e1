import { describe, expect, it } from "vitest";
import { missingSections, writtenSections } from "../src/pr-sections.ts";

describe("pull-request description sections", () => {
  it("finds headings and bold lines that have text under them", () => {
    const body = [
      "Intro.",
      "## Rollback plan",
      "Revert the merge commit.",
      "### Testing:",
      "",
      "**Risk:** low, read-only grant",
      "__Owner__",
      "team payments",
    ].join("\n");
    expect([...writtenSections(body)]).toEqual(["rollback plan", "risk", "owner"]);
  });

  it("does not count an empty heading, a template comment or a heading inside a code block", () => {
    const body =
      "## Rollback plan\n<!-- describe how to undo this\nchange -->\n\n## Notes\n```md\n## Risk\n```\n## Testing\n";
    expect(missingSections(body, ["Rollback plan", "Risk", "Testing"])).toEqual([
      "Rollback plan",
      "Risk",
      "Testing",
    ]);
  });

  it("matches names case- and emphasis-insensitively and reports them as the policy wrote them", () => {
    expect(missingSections("# *ROLLBACK   plan*\nrevert\n", ["Rollback plan", "Monitoring"])).toEqual([
      "Monitoring",
    ]);
    expect(missingSections(undefined, ["Rollback plan"])).toEqual(["Rollback plan"]);
  });
});
