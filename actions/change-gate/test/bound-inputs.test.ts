import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { change, policyDiff } from "./support/policy-diff.ts";
import { sarifOf } from "./support/sarif.ts";
import {
  baseConfig,
  branch,
  type History,
  ROLLBACK_BODY,
  type Scenario,
  scenario,
  standardHistory,
} from "./support/scenario.ts";

// A SARIF or policy-diff file counts only when the pull request did not commit it (nothing the
// head commit tracks) and it names the commit that was scanned. Anything else is ignored, with
// the reason in the evidence and the summary, and its category then counts as missing.

let s: Scenario;
let h: History;
/** main requires sca results only, so each test is about one input. */
let base: string;

beforeAll(async () => {
  s = await scenario();
  h = await standardHistory(s.repo);
  base = await branch(s.repo, "expects-sca", h.base, {
    ".github/secflow.yml": baseConfig("", { expected: "[sca]" }),
  });
});
afterAll(() => s.cleanup());

const cleanSca = (revisionId?: string) =>
  sarifOf({ action: "sca", ...(revisionId ? { revisionId } : {}), results: [] });

/** A pull request from `base` whose one commit adds `files`. */
async function pullRequest(name: string, files: Record<string, string>) {
  const head = await branch(s.repo, name, base, files);
  return { head, event: await s.event({ base, head, body: ROLLBACK_BODY }) };
}

function ignored(evidence: any): { file: string; note: string }[] {
  return evidence.inputs.sarif.flatMap((f: any) =>
    f.runs.filter((r: any) => !r.counted).map((r: any) => ({ file: f.file, note: r.note })),
  );
}

describe("inputs bound to the change", () => {
  it("ignores a SARIF file the pull request committed, so the category is missing (attack)", async () => {
    // The attack: an empty sca run committed under secflow-results/ while the real sca
    // job left no artifact. The attacker cannot name the head commit in it (a commit cannot
    // contain its own SHA), so it has no provenance.
    const { head, event } = await pullRequest("commits-sarif", {
      "secflow-results/sca/results.sarif": JSON.stringify(cleanSca()),
    });
    const workspace = await s.checkout(head);
    const { outcome, evidence, io } = await s.gate(
      { sarif: "secflow-results" },
      { ...event, GITHUB_WORKSPACE: workspace },
    );
    expect(outcome.decision).toBe("fail");
    const missing = outcome.reasons.find((r) => r.rule === "gate/missing-input");
    expect(missing?.message).toMatch(
      /no SARIF of category secflow\/sca\/…: did the sca job run and upload it\?/,
    );
    expect(missing?.message).toContain("secflow-results/sca/results.sarif");
    expect(ignored(evidence)).toEqual([
      {
        file: "secflow-results/sca/results.sarif",
        note: expect.stringMatching(/committed: the head commit tracks secflow-results\/sca\/results\.sarif/),
      },
    ]);
    expect(io.summary).toContain("committed: the head commit tracks");
  });

  it("ignores a committed path even when a job later wrote the right content over it", async () => {
    // The gate cannot tell an artifact downloaded over a tracked file from the file itself.
    const { head, event } = await pullRequest("overwritten-sarif", {
      "out/sca.sarif": JSON.stringify(cleanSca()),
    });
    const workspace = await s.checkout(head);
    await writeFile(path.join(workspace, "out/sca.sarif"), JSON.stringify(cleanSca(head)));
    const { outcome } = await s.gate({ sarif: "out/sca.sarif" }, { ...event, GITHUB_WORKSPACE: workspace });
    expect(outcome.decision).toBe("fail");
    expect(outcome.reasons[0]?.message).toMatch(/the head commit tracks out\/sca\.sarif/);
  });

  it("follows symbolic links: an untracked link to a committed file does not count", async () => {
    const { head, event } = await pullRequest("linked-sarif", {
      "docs/example.sarif": JSON.stringify(cleanSca()),
    });
    const workspace = await s.checkout(head);
    await mkdir(path.join(workspace, "results"));
    await symlink(path.join(workspace, "docs/example.sarif"), path.join(workspace, "results/sca.sarif"));
    const { outcome } = await s.gate({ sarif: "results" }, { ...event, GITHUB_WORKSPACE: workspace });
    expect(outcome.decision).toBe("fail");
    expect(outcome.reasons[0]?.message).toMatch(/the head commit tracks docs\/example\.sarif/);
  });

  it("ignores a run without provenance: it may be stale (attack)", async () => {
    const head = await branch(s.repo, "no-provenance", base, { "README.md": "# shop\n\nx\n" });
    const file = await s.file("no-provenance.sarif", cleanSca());
    const { outcome, evidence } = await s.gate(
      { sarif: file },
      await s.event({ base, head, body: ROLLBACK_BODY }),
    );
    expect(outcome.decision).toBe("fail");
    expect(outcome.reasons[0]?.message).toMatch(
      /names no commit \(no versionControlProvenance revisionId, no properties\.secflow\.headRef\)/,
    );
    expect(ignored(evidence)[0]?.note).toMatch(/names no commit/);
  });

  it("counts untracked SARIF that names the head, or the merge commit the jobs checked out (control)", async () => {
    const head = await branch(s.repo, "good-inputs", base, { "README.md": "# shop\n\ny\n" });
    const event = await s.event({ base, head, body: ROLLBACK_BODY });
    // Downloaded into the checkout, as actions/download-artifact does: untracked.
    const workspace = await s.checkout(head);
    await mkdir(path.join(workspace, "secflow-results"));
    await writeFile(path.join(workspace, "secflow-results/sca.sarif"), JSON.stringify(cleanSca(head)));
    const inCheckout = await s.gate({ sarif: "secflow-results" }, { ...event, GITHUB_WORKSPACE: workspace });
    expect(inCheckout.outcome.decision).toBe("pass");
    expect(ignored(inCheckout.evidence)).toEqual([]);

    // From the command line the actions name the head in the profile's headRef only.
    const local = await s.file("head-ref.sarif", sarifOf({ action: "sca", headRef: head, results: [] }));
    expect((await s.gate({ sarif: local }, event)).outcome.decision).toBe("pass");

    const merge = "1234567890abcdef1234567890abcdef12345678";
    const file = await s.file("merge-commit.sarif", cleanSca(merge));
    const atMerge = await s.gate({ sarif: file }, { ...event, GITHUB_SHA: merge });
    expect(atMerge.outcome.decision).toBe("pass");
  });

  it("ignores a policy-diff file the pull request committed, and counts one it did not (control)", async () => {
    const policyBase = await branch(s.repo, "expects-policy", h.base, {
      ".github/secflow.yml": baseConfig("", { expected: "[policy]" }),
    });
    await s.repo.git("checkout", "-q", "-b", "commits-diff", policyBase);
    // Written against the parent: the attacker cannot know the head's SHA, so they try the base.
    const diff = policyDiff(policyBase, policyBase, [change({ class: "reduction", kind: "removed" })]);
    const head = await s.repo.commit("add diff", { "diff/policy-diff.json": JSON.stringify(diff) });
    await s.repo.git("checkout", "-q", "main");
    const workspace = await s.checkout(head);
    const event = await s.event({ base: policyBase, head, body: ROLLBACK_BODY });
    const committed = await s.gate(
      { "policy-diff": "diff/policy-diff.json" },
      { ...event, GITHUB_WORKSPACE: workspace },
    );
    expect(committed.outcome.decision).toBe("fail");
    expect(committed.outcome.reasons.map((r) => r.message).join("\n")).toMatch(
      /the head commit tracks diff\/policy-diff\.json/,
    );
    expect(committed.evidence.inputs.policyDiff).toMatchObject({ valid: false, ignored: expect.any(String) });

    const good = await s.file("good-diff.json", policyDiff(policyBase, head, diff.changes));
    const counted = await s.gate({ "policy-diff": good }, { ...event, GITHUB_WORKSPACE: workspace });
    expect(counted.outcome.decision).toBe("pass");
  });
});

describe("incomplete runs", () => {
  it("treats a run that says it did not check everything like a missing one (attack)", async () => {
    const head = await branch(s.repo, "incomplete", base, { "README.md": "# shop\n\nz\n" });
    const file = await s.file(
      "incomplete.sarif",
      sarifOf({
        action: "sca",
        revisionId: head,
        results: [],
        unchecked: [{ subject: "package-lock.json", reason: "lockfileVersion 9 is not supported" }],
      }),
    );
    const { outcome, evidence } = await s.gate(
      { sarif: file },
      await s.event({ base, head, body: ROLLBACK_BODY }),
    );
    expect(outcome.decision).toBe("fail");
    expect(outcome.reasons[0]).toMatchObject({ rule: "gate/missing-input", verdict: "fail" });
    expect(outcome.reasons[0]?.message).toMatch(
      /is incomplete: Not checked: package-lock\.json: lockfileVersion 9 is not supported/,
    );
    expect(evidence.inputs.sarif[0].runs[0]).toMatchObject({
      incomplete: true,
      unchecked: ["Not checked: package-lock.json: lockfileVersion 9 is not supported"],
    });
  });

  it("counts a run that says it checked everything (control)", async () => {
    const head = await branch(s.repo, "complete", base, { "README.md": "# shop\n\nw\n" });
    const file = await s.file(
      "complete.sarif",
      sarifOf({ action: "sca", revisionId: head, results: [], unchecked: [] }),
    );
    const { outcome } = await s.gate({ sarif: file }, await s.event({ base, head, body: ROLLBACK_BODY }));
    expect(outcome.decision).toBe("pass");
  });
});
