import { validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { change, policyDiff } from "./support/policy-diff.ts";
import { sarifOf } from "./support/sarif.ts";
import {
  branch,
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
} from "./support/scenario.ts";

let s: Scenario;
let h: History;
const HOSTILE_FILE = 'src/auth/it\'s a $(touch pwned) "file" | x\nline.js';

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
});
afterAll(() => s.cleanup());

/** Lines of the summary that start a block GitHub would render: headings, HTML, tables. */
const blockStarts = (markdown: string) => markdown.split("\n").filter((l) => /^(#|<|\|)/.test(l));

describe("user-controlled text in the summary", () => {
  it("cannot inject markup, links or mentions through titles, findings or file names", async () => {
    const head = await branch(s.repo, "hostile", h.base, { [HOSTILE_FILE]: "export {};\n" });
    const sast = await s.file(
      "hostile.sarif",
      sarifOf({
        action: "sast",
        revisionId: head,
        results: [
          {
            ruleId: "js/xss",
            severity: "high",
            path: "src/a (1).js",
            line: 3,
            baselineState: "new",
            message:
              "evil @octocat [click](https://evil.example) <img src=x onerror=alert(1)>\n## Injected heading\n| a | b |",
          },
        ],
      }),
    );
    const diffFile = await s.file(
      "hostile-diff.json",
      policyDiff(h.base, head, [
        change({ subject: "@acme/everyone | <b>", resource: "`db` [x](y)", file: "iam/p (1).json" }),
      ]),
    );
    const event = await s.event({
      base: h.base,
      head,
      title: "Fix <script>alert(1)</script> for @acme/security\n# Title heading",
      body: ROLLBACK_BODY,
    });
    const { io, sarif, outcome } = await s.gate({ sarif: sast, "policy-diff": diffFile }, event);
    expect(outcome.decision).toBe("fail");
    const md = io.summary;
    // Mentions are broken by a zero-width joiner, so nobody is pinged.
    expect(md).not.toMatch(/@(octocat|acme)/);
    expect(md).toContain("@\u200doctocat");
    expect(md).not.toMatch(/(?<!\\)<(img|script|b)\b/);
    expect(md).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
    // Only our own headings and table rows start blocks.
    for (const line of blockStarts(md)) expect(line).toMatch(/^(## (✅|👀|❌) Change gate|### [A-Z]|\| )/);
    // Every table row has the same number of cells as its header.
    const privilegeRows =
      md.split("### Privilege changes")[1]?.split("\n\n")[1]?.split("\n").filter(Boolean) ?? [];
    const cells = (row: string) => row.split(/(?<!\\)\|/).length;
    expect(new Set(privilegeRows.map(cells)).size).toBe(1);
    // Links to files are encoded, so parentheses and quotes cannot end them early.
    expect(md).toContain(`/blob/${head}/src/a%20%281%29.js#L3)`);
    expect(md).toContain("/iam/p%20%281%29.json#L12)");
    // The hostile file name is data: reported, escaped, on one line.
    const sensitive = outcome.reasons.find((r) => r.rule === "gate/sensitive-path");
    expect(sensitive?.message).toContain(HOSTILE_FILE);
    expect(md).toContain('it\'s a $(touch pwned) "file" \\| x line.js');
    expect(validate(sarif).valid).toBe(true);
  });
});
