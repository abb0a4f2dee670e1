import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  branch,
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
} from "./support/scenario.ts";

// sast skips what .gitattributes marks linguist-vendored or linguist-generated: a pull request
// that marks its own code so is hiding it from the scanner, and that needs a security review.
describe(".gitattributes is a sensitive path", () => {
  let s: Scenario;
  let h: History;
  beforeAll(async () => {
    s = await scenario();
    h = await standardHistory(s.repo);
  });
  afterAll(() => s.cleanup());

  it("attack: a change that marks its new code vendored needs review", async () => {
    const head = await branch(s.repo, "hide", h.base, {
      "src/payments.js": "module.exports = (code) => eval(code);\n",
      ".gitattributes": "src/payments.js linguist-vendored\n",
    });
    const { outcome } = await s.gate({}, await s.event({ base: h.base, head, body: ROLLBACK_BODY }));
    expect(outcome.decision).not.toBe("pass");
    expect(outcome.reasons.map((r) => r.message).join("\n")).toMatch(
      /changes \.gitattributes, which matches the sensitive path/,
    );
  });

  it("control: a change without .gitattributes passes", async () => {
    const { outcome } = await s.gate({}, await s.event({ base: h.base, head: h.head, body: ROLLBACK_BODY }));
    expect(outcome.decision).toBe("pass");
  });
});
