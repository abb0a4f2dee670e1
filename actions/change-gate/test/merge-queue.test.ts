import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sarifOf } from "./support/sarif.ts";
import { branch, type History, type Scenario, scenario, standardHistory } from "./support/scenario.ts";
import { mergeGroupEvent } from "./support/webhooks.ts";

// A merge queue runs the gate on a merge_group event: the commits come from the group's
// base_sha and head_sha (resolved by the kit, as for every action). Approvals on merge queues
// are out of scope: these changes need none.

let s: Scenario;
let h: History;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
});
afterAll(() => s.cleanup());

describe("merge queue (merge_group)", () => {
  it("decides from the group's base and head: a small clean change passes", async () => {
    // The checkout is main (the group's base): without the event, head would be main too.
    const env = await mergeGroupEvent(s.tmp, { base: h.base, head: h.head });
    const sast = await s.file(
      "merge-group-clean.sarif",
      sarifOf({ action: "sast", revisionId: h.head, results: [] }),
    );
    const { outcome, evidence } = await s.gate({ sarif: sast }, env);
    expect(outcome.decision).toBe("pass");
    expect(outcome.failed).toBeUndefined();
    expect(evidence.pullRequest).toMatchObject({
      event: "merge_group",
      number: null,
      baseSha: h.base,
      headSha: h.head,
      mergeBaseSha: h.base,
      baseSource: "merge-group",
      size: { files: 1, additions: 2, deletions: 0 },
      files: [{ path: "README.md", status: "modified" }],
    });
    expect(evidence.config).toMatchObject({ commit: h.base, found: true });
  });

  it("judges the group's head under the policy of the group's base", async () => {
    const relaxed = await branch(s.repo, "queue-relax", h.base, {
      ".github/secflow.yml": "version: 1\ngate:\n  new-findings: { fail: none, review: none }\n",
    });
    const sast = await s.file(
      "merge-group-high.sarif",
      sarifOf({
        action: "sast",
        revisionId: relaxed,
        results: [
          { ruleId: "js/sql-injection", severity: "high", path: "src/app.js", line: 1, baselineState: "new" },
        ],
      }),
    );
    const { outcome, evidence } = await s.gate(
      { sarif: sast },
      await mergeGroupEvent(s.tmp, { base: h.base, head: relaxed }),
    );
    expect(outcome.decision).toBe("fail");
    // A merge_group payload carries no description, so a risky change also lacks its sections.
    expect(outcome.reasons.map((r) => r.rule)).toEqual([
      "gate/new-finding",
      "gate/documentation",
      "gate/sensitive-path",
    ]);
    expect(evidence.pullRequest).toMatchObject({ baseSha: h.base, headSha: relaxed });
    expect(evidence.config.commit).toBe(h.base);
  });

  it("refuses SARIF of another commit than the group's head", async () => {
    const stale = await s.file(
      "merge-group-stale.sarif",
      sarifOf({ action: "sast", revisionId: h.older, results: [] }),
    );
    const { outcome } = await s.gate(
      { sarif: stale, expected: "sast" },
      await mergeGroupEvent(s.tmp, { base: h.base, head: h.head }),
    );
    expect(outcome.decision).toBe("fail");
    expect(outcome.reasons[0]?.message).toMatch(
      /describes commit [0-9a-f]{40}, not the head of the change under review/,
    );
  });
});
