import { readFile } from "node:fs/promises";
import { UserError } from "@secflow/errors";
import { describe, expect, it } from "vitest";
import { latestOfTags, parseLatestVersions } from "../src/adoption-releases.ts";
import {
  parseActionRef,
  parseUpstream,
  readActionFile,
  readWorkflowFile,
  stepUses,
  usedVersion,
  versionOf,
  workflowActions,
} from "../src/adoption-uses.ts";

const fixture = (name: string) => readFile(new URL(`fixtures/workflows/${name}`, import.meta.url), "utf8");
const upstream = parseUpstream("acme/secflow");

/** Each step's action, ref and the version it runs, as the parser reads them. */
async function readReal(name: string) {
  return stepUses(await fixture(`real/${name}`), name).map((s) => {
    const ref = parseActionRef(s.uses);
    return [s.uses.split("@")[0], ref?.pinned, ref && usedVersion(ref, s.comment, "")?.text];
  });
}

describe("reading real workflow files", () => {
  it("finds each step's uses with the version comment of a pinned SHA (11ty/eleventy scorecard.yml)", async () => {
    // The commented-out upload steps are not steps.
    expect(await readReal("11ty-eleventy-scorecard.yml")).toEqual([
      ["actions/checkout", true, "4.1.1"],
      ["ossf/scorecard-action", true, "2.4.3"],
    ]);
  });

  it("reads comments without a v or a space (11ty/eleventy codeql.yml)", async () => {
    expect(await readReal("11ty-eleventy-codeql.yml")).toEqual([
      ["actions/checkout", true, "4.1.7"],
      ["github/codeql-action/init", true, "3.26.6"],
      ["github/codeql-action/analyze", true, "3.26.6"],
    ]);
  });

  it("reads a major-only comment after two spaces (sigstore/cosign depsreview.yml)", async () => {
    expect(await readReal("sigstore-cosign-depsreview.yml")).toEqual([
      ["actions/checkout", true, "3"],
      ["actions/dependency-review-action", true, "2"],
    ]);
  });

  it("calls a branch an unknown version (sigstore/cosign whitespace.yaml)", async () => {
    expect(await readReal("sigstore-cosign-whitespace.yaml")).toEqual([
      ["actions/checkout", true, "2.4.0"],
      ["chainguard-dev/actions/trailing-space", false, undefined],
      ["chainguard-dev/actions/eof-newline", false, undefined],
    ]);
  });

  it("finds no secflow action in them", async () => {
    for (const name of [
      "11ty-eleventy-scorecard.yml",
      "11ty-eleventy-codeql.yml",
      "sigstore-cosign-depsreview.yml",
      "sigstore-cosign-whitespace.yaml",
    ])
      expect(workflowActions(await fixture(`real/${name}`), name, upstream), name).toEqual([]);
  });
});

describe("secflow actions in a workflow", () => {
  it("reads the documented workflow: each action from the upstream on its moving major tag", async () => {
    const text = await readFile(
      new URL("../../../examples/workflows/pull-request.yml", import.meta.url),
      "utf8",
    );
    expect(
      workflowActions(text, "pull-request.yml", upstream).map((u) => [
        u.action,
        u.kind,
        u.ref,
        u.pinned,
        u.version?.text,
      ]),
    ).toEqual([
      ["sast", "upstream", "sast/v2", false, "2"],
      ["sca", "upstream", "sca/v2", false, "2"],
      ["policy-diff", "upstream", "policy-diff/v1", false, "1"],
      ["change-gate", "upstream", "change-gate/v2", false, "2"],
    ]);
  });

  it("reads pinned SHAs with and without a version comment, and tags", async () => {
    expect(workflowActions(await fixture("secflow/pinned.yml"), "pinned.yml", upstream)).toEqual([
      {
        line: 25,
        action: "sast",
        source: "acme/secflow",
        kind: "upstream",
        ref: "5f0b8b2c6a0d1e3f4a5b6c7d8e9f00112233aabb",
        pinned: true,
        version: { text: "2.0.0", major: 2, minor: 0, patch: 0 },
      },
      expect.objectContaining({
        action: "sca",
        ref: "sca/v2",
        version: { text: "2", major: 2, minor: null, patch: null },
      }),
      expect.objectContaining({ action: "change-gate", pinned: true, version: undefined }),
    ]);
  });

  it("tells a fork from the upstream, reads a flow-style step's comment, and keeps a job-level uses out of the steps", async () => {
    expect(
      workflowActions(await fixture("secflow/fork.yml"), "fork.yml", upstream).map((u) => [
        u.action,
        u.kind,
        u.source,
        u.version?.text,
      ]),
    ).toEqual([
      ["policy-diff", "upstream", "acme/secflow", "1.1.0"],
      ["sca", "fork", "platform-team/secflow", "1"],
      ["sast", "upstream", "acme/secflow", "2.1.0"],
    ]);
    // Another upstream makes acme's copy the fork.
    expect(
      workflowActions(
        await fixture("secflow/fork.yml"),
        "fork.yml",
        parseUpstream("platform-team/secflow"),
      ).map((u) => u.kind),
    ).toEqual(["fork", "upstream", "fork"]);
  });

  it("knows a copy published as its own repository, and one inside the repository", () => {
    const text = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/sast@v2.0.0
      - uses: acme/secflow-change-gate@change-gate/v2
      - uses: ./vendor/secflow/actions/policy-diff
      - uses: ./actions/not-secflow
      - uses: acme/other/actions/sast@v2
      - uses: docker://alpine:3
`;
    expect(workflowActions(text, "x.yml", upstream).map((u) => [u.action, u.kind, u.source])).toEqual([
      ["sast", "fork", "someone/sast"],
      ["change-gate", "fork", "acme/secflow-change-gate"],
      ["policy-diff", "local", "."],
    ]);
  });

  it("names a file that is not YAML, or not a workflow, with the line", async () => {
    const broken = await fixture("secflow/broken.yml");
    expect(() => workflowActions(broken, ".github/workflows/broken.yml", upstream)).toThrow(UserError);
    expect(() => workflowActions(broken, ".github/workflows/broken.yml", upstream)).toThrow(
      /^\.github\/workflows\/broken\.yml:\d+: .*\(YAML syntax\)/,
    );
    expect(() => workflowActions("just: a mapping\n", "x.yml", upstream)).toThrow(
      "x.yml: not a workflow: it has no jobs mapping",
    );
    // An alias bomb is refused by the kit's bounds, not expanded.
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\njobs: {}\n`;
    expect(workflowActions(bomb, "bomb.yml", upstream)).toEqual([]);
  });
});

describe("calls of reusable workflows and local composite actions", () => {
  it("reads a job-level uses as a call, with where it points and its ref", async () => {
    const read = readWorkflowFile(await fixture("secflow/fork.yml"), "fork.yml", upstream);
    expect(read.calls).toEqual([
      {
        line: 21,
        kind: "workflow",
        repository: "acme/security-workflows",
        path: ".github/workflows/secflow.yml",
        ref: "0123456789abcdef0123456789abcdef01234567",
      },
    ]);
    expect(read.calledOnly).toBe(false);
  });

  it("reads local calls against the repository, and a step ./path that is no secflow copy as a composite", async () => {
    const read = readWorkflowFile(await fixture("calls/caller.yml"), "caller.yml", upstream);
    expect(read.uses).toEqual([]);
    expect(read.calls.map((c) => [c.line, c.kind, c.repository, c.path, c.ref])).toEqual([
      [13, "workflow", "acme/security", ".github/workflows/secflow.yml", "v1"],
      [17, "workflow", "outsider/shared", ".github/workflows/scan.yml", "main"],
      [22, "composite", undefined, ".github/actions/deps", undefined],
      [23, "composite", undefined, ".github/actions/missing", undefined],
    ]);
    const local = `on: push\njobs:\n  a:\n    uses: ./.github/workflows/x.yml\n  b:\n    runs-on: x\n    steps:\n      - uses: ./actions/sast\n      - uses: ./a/../../out\n`;
    expect(readWorkflowFile(local, "x.yml", upstream).calls.map((c) => [c.kind, c.path])).toEqual([
      ["workflow", ".github/workflows/x.yml"],
      // ./actions/sast is a local copy of secflow's sast, not a call.
      ["composite", "../out"],
    ]);
  });

  it("knows a workflow that runs only when called, in each form of on:", () => {
    const calledOnly = (on: string) =>
      readWorkflowFile(`on: ${on}\njobs:\n  a:\n    runs-on: x\n    steps: []\n`, "x.yml", upstream)
        .calledOnly;
    expect(calledOnly("workflow_call")).toBe(true);
    expect(calledOnly("[workflow_call]")).toBe(true);
    expect(calledOnly("{ workflow_call: { inputs: {} } }")).toBe(true);
    expect(calledOnly("[workflow_call, push]")).toBe(false);
    expect(calledOnly("push")).toBe(false);
  });

  it("reads a composite action's steps, and none of a JavaScript action", async () => {
    const gate = readActionFile(await fixture("calls/gate-action.yml"), "action.yml", upstream);
    expect(gate.uses.map((u) => [u.line, u.action, u.pinned, u.version?.text])).toEqual([
      [11, "change-gate", true, "2.0.1"],
    ]);
    expect(readActionFile("runs:\n  using: node24\n  main: index.js\n", "action.yml", upstream)).toEqual({
      uses: [],
      calls: [],
    });
    expect(() => readActionFile("name: x\n", "action.yml", upstream)).toThrow(
      "action.yml: not an action: it has no runs mapping",
    );
  });
});

describe("versions", () => {
  it("reads tags and comments in release-please's forms, and only the action's own", () => {
    expect(versionOf("sast/v2.1.0", "sast")?.text).toBe("2.1.0");
    expect(versionOf("policy-diff-v1.1.0", "policy-diff")?.text).toBe("1.1.0");
    expect(versionOf("change-gate/v2", "change-gate")?.text).toBe("2");
    expect(versionOf("v2.1", "sca")?.text).toBe("2.1");
    expect(versionOf("2.1.0-rc.1", "sca")?.text).toBe("2.1.0-rc.1");
    expect(versionOf("sca/v2.1.0", "sast")).toBeUndefined();
    expect(versionOf("main", "sast")).toBeUndefined();
    expect(versionOf("v2.01.0", "sast")).toBeUndefined();
  });

  it("takes the newest release per action from release-please tags, pre-releases left out", () => {
    expect(
      Object.fromEntries(
        latestOfTags([
          "sast/v2.0.0",
          "sast/v2.10.0",
          "sast/v2.9.1",
          "sast/v3.0.0-rc.1",
          "sast/v2",
          "sca-v2.0.0",
          "other/v9.0.0",
        ]),
      ),
    ).toEqual({ sast: "2.10.0", sca: "2.0.0" });
  });

  it("reads the latest-versions input, and says what to write for a bad one", () => {
    expect(Object.fromEntries(parseLatestVersions(["sast=2.1.0", "change-gate=v2.0.1"]))).toEqual({
      sast: "2.1.0",
      "change-gate": "2.0.1",
    });
    expect(() => parseLatestVersions(["sast=latest"])).toThrow(
      /latest-versions: "sast=latest" is not <action>=<version>/,
    );
    expect(() => parseLatestVersions(["scanner=1.0.0"])).toThrow(
      /one of sast, sca, policy-diff, change-gate, flow-report/,
    );
    expect(() => parseUpstream("acme")).toThrow(/upstream: "acme" is not owner\/name/);
  });
});
