import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { change, policyDiff } from "./support/policy-diff.ts";
import { sarifOf } from "./support/sarif.ts";
import {
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
  TOKEN,
} from "./support/scenario.ts";

// The evidence file is what an auditor verifies: which run decided, from which workflow, on
// which event, with which inputs from where, over which bytes.

let s: Scenario;
let h: History;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
});
afterAll(() => s.cleanup());

const sha256 = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

describe("the evidence", () => {
  it("names the run, the workflow, the event, the change and every input's source and digest", async () => {
    const sast = await s.file("e.sarif", sarifOf({ action: "sast", revisionId: h.head, results: [] }));
    const diff = await s.file(
      "e.json",
      policyDiff(h.base, h.head, [change({ class: "reduction", kind: "removed", severity: "low" })]),
    );
    const event = await s.event({ base: h.base, head: h.head, body: ROLLBACK_BODY });
    const runner = {
      GITHUB_RUN_ID: "1658821493",
      GITHUB_RUN_ATTEMPT: "2",
      GITHUB_WORKFLOW_REF: "acme/security-workflows/.github/workflows/gate.yml@refs/heads/main",
      GITHUB_WORKFLOW_SHA: "0123456789abcdef0123456789abcdef01234567",
      GITHUB_REPOSITORY: "Codertocat/Hello-World",
    };
    const { evidence } = await s.gate(
      { sarif: sast, "policy-diff": diff, token: TOKEN, "on-missing": "fail" },
      { ...event, ...runner },
    );
    expect(evidence.evidenceVersion).toBe(2);
    expect(evidence.run).toEqual({
      id: "1658821493",
      attempt: 2,
      workflowRef: runner.GITHUB_WORKFLOW_REF,
      workflowSha: runner.GITHUB_WORKFLOW_SHA,
      eventName: "pull_request",
      eventSha256: await sha256(event.GITHUB_EVENT_PATH ?? ""),
      repository: "Codertocat/Hello-World",
    });
    expect(evidence.change).toEqual({
      eventBaseSha: h.base,
      eventHeadSha: h.head,
      baseOverride: null,
      headOverride: null,
    });
    expect(evidence.inputs.sources).toMatchObject({
      sarif: { value: sast, source: "input" },
      "policy-diff": { value: diff, source: "input" },
      // The token's value is never written; that one was given is.
      token: { value: null, source: "input" },
      "on-missing": { value: "fail", source: "input" },
      mode: { value: "enforce", source: "default" },
      config: { value: null, source: "default" },
    });
    expect(JSON.stringify(evidence)).not.toContain(TOKEN);
    expect(evidence.inputs.sarif[0]).toMatchObject({ sha256: await sha256(sast) });
    expect(evidence.inputs.policyDiff).toMatchObject({ sha256: await sha256(diff) });
  });

  it("says what is unknown outside a workflow run rather than leaving it out", async () => {
    const { evidence } = await s.gate({ head: h.head, base: h.base });
    expect(evidence.run).toEqual({
      id: null,
      attempt: null,
      workflowRef: null,
      workflowSha: null,
      eventName: null,
      eventSha256: null,
      repository: null,
    });
    expect(evidence.change).toEqual({
      eventBaseSha: null,
      eventHeadSha: null,
      baseOverride: { input: h.base, sha: h.base, refused: false },
      headOverride: { input: h.head, sha: h.head, refused: false },
    });
    expect(evidence.enforcement).toMatchObject({
      workflow: null,
      note: expect.stringMatching(/GITHUB_WORKFLOW_REF/),
    });
  });
});
