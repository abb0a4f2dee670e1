import { describe, expect, it } from "vitest";
import { unpinned } from "../src/readers/workflow.ts";
import { referencedSecrets } from "../src/readers/workflow-secrets.ts";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

const CI = `name: ci
on: [push, pull_request]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - run: npm test
`;

const diff = diffCommitsCleanedUpAfterAll();

describe("workflows", () => {
  it("reports an added write scope at its head line, as an escalation", async () => {
    const head = CI.replace("  contents: read\n", "  contents: read\n  id-token: write\n");
    const { diff: d, sarif } = await diff(
      { ".github/workflows/ci.yml": CI },
      { ".github/workflows/ci.yml": head },
    );
    expect(brief(d)).toEqual(["added escalation/high job test | id-token: write | GITHUB_TOKEN"]);
    expect(d.changes[0]).toMatchObject({
      file: ".github/workflows/ci.yml",
      line: 5,
      side: "head",
      ruleId: "policy-diff/workflow/added",
    });
    expect(d.counts).toEqual({ escalations: 1, widenings: 0, neutral: 0, reductions: 0 });
    const result = sarif.runs[0]?.results?.[0];
    expect(sarif.runs[0]?.automationDetails?.id).toBe("secflow/policy-diff/");
    expect(result?.level).toBe("error");
    expect(result?.locations?.[0]?.physicalLocation?.region?.startLine).toBe(5);
  });

  it("reports a new secret and an unpinned action, and nothing for moving the permissions block", async () => {
    const head = `name: ci
on: [push, pull_request]
jobs:
  test:
    permissions: { contents: read }
    runs-on: ubuntu-latest
    env:
      TOKEN: \${{ secrets.npm_token }}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - uses: some-org/publish@v2
      - run: npm test
`;
    const { diff: d } = await diff({ ".github/workflows/ci.yml": CI }, { ".github/workflows/ci.yml": head });
    // One secret and a third-party action on a tag: medium, widenings the gate lets through.
    expect(brief(d)).toEqual([
      "added widening/medium job test | read secret | NPM_TOKEN",
      "added widening/medium job test | unpinned action | some-org/publish",
    ]);
    expect(d.changes.map((c) => c.line)).toEqual([8, 11]);
  });

  it("judges a removed permissions block by the repository default, assumed restricted, and says so", async () => {
    const head = CI.replace("permissions:\n  contents: read\n", "");
    const { diff: d, io } = await diff(
      { ".github/workflows/ci.yml": CI },
      { ".github/workflows/ci.yml": head },
    );
    // Restricted is contents and packages read: the job only gains reading packages.
    expect(brief(d)).toEqual(["added widening/low job test | packages: read | GITHUB_TOKEN"]);
    expect(d.changes[0]?.after).toBe("packages: read on GITHUB_TOKEN (repository default, restricted)");
    expect(io.summary).toContain("assumed `restricted`");
    expect(io.summary).toContain("did not read the repository's setting through the API");
  });

  it("judges it by policy.workflows.default-permissions of the base commit: permissive is an escalation", async () => {
    const permissive = "policy:\n  workflows:\n    default-permissions: permissive\n";
    const head = CI.replace("permissions:\n  contents: read\n", "");
    const { diff: d, io } = await diff(
      { ".github/workflows/ci.yml": CI, ".github/secflow.yml": permissive },
      { ".github/workflows/ci.yml": head },
    );
    // Every scope but id-token can write: one row for the job's line, as severe as its worst scope.
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]).toMatchObject({ kind: "widened", class: "escalation", severity: "high", line: 4 });
    expect(d.changes[0]?.permission).toContain("contents: write");
    expect(d.changes[0]?.permission).not.toContain("id-token");
    expect(d.changes[0]?.after).toContain("(repository default, permissive)");
    expect(io.summary).toContain("repository default token `permissive`");
  });

  it("takes the setting from the base: a pull request cannot declare its own default restricted (attack)", async () => {
    const setting = (value: string) => `policy:\n  workflows:\n    default-permissions: ${value}\n`;
    const head = CI.replace("permissions:\n  contents: read\n", "");
    const { diff: d } = await diff(
      { ".github/workflows/ci.yml": CI, ".github/secflow.yml": setting("permissive") },
      { ".github/workflows/ci.yml": head, ".github/secflow.yml": setting("restricted") },
    );
    expect(brief(d)).toEqual([
      "widened escalation/high secflow config | policy.workflows.default-permissions | restricted",
      expect.stringMatching(/^widened escalation\/high job test \| actions: write, .*contents: write/),
    ]);
  });

  it("control: writing out the restricted default is no change, and narrowing it is a reduction", async () => {
    const none = CI.replace("permissions:\n  contents: read\n", "");
    const same = CI.replace("  contents: read\n", "  contents: read\n  packages: read\n");
    const { diff: d } = await diff(
      { ".github/workflows/ci.yml": none },
      { ".github/workflows/ci.yml": same },
    );
    expect(d.changes).toEqual([]);
    const { diff: narrowed } = await diff(
      { ".github/workflows/ci.yml": none },
      { ".github/workflows/ci.yml": CI },
    );
    expect(brief(narrowed)).toEqual(["removed reduction/info job test | packages: read | GITHUB_TOKEN"]);
  });

  it("reports write-all and a pull_request_target trigger; one row for all jobs under a top-level block", async () => {
    const head = `name: ci
on:
  pull_request_target:
    types: [opened]
permissions: write-all
jobs:
  a: { runs-on: ubuntu-latest, steps: [{ run: "true" }] }
  b: { runs-on: ubuntu-latest, steps: [{ run: "true" }] }
`;
    const { diff: d } = await diff({ ".github/workflows/ci.yml": CI }, { ".github/workflows/ci.yml": head });
    expect(brief(d)).toEqual([
      "added escalation/critical job a, job b | *: write | GITHUB_TOKEN",
      "added escalation/high workflow | trigger | pull_request_target",
      // The old job is gone: its grant went with it.
      "removed reduction/info job test | contents: read | GITHUB_TOKEN",
    ]);
  });

  it("narrows write to read as a reduction", async () => {
    const base = CI.replace("contents: read", "contents: write");
    const { diff: d } = await diff({ ".github/workflows/ci.yml": base }, { ".github/workflows/ci.yml": CI });
    expect(brief(d)).toEqual(["narrowed reduction/info job test | contents: write | GITHUB_TOKEN"]);
  });

  it("reports nothing for a reformat, reordering and quoting", async () => {
    const head = `# reformatted
"name": "ci"
"permissions": {"contents": "read"}
"on": ["pull_request", "push"]
"jobs":
  "test":
    "steps":
    - "uses": "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
    - "run": "npm test"
    "runs-on": "ubuntu-latest"
`;
    const { diff: d, sarif } = await diff(
      { ".github/workflows/ci.yml": CI },
      { ".github/workflows/ci.yml": head },
    );
    expect(d.changes).toEqual([]);
    expect(sarif.runs[0]?.results).toEqual([]);
  });

  it("follows a renamed workflow", async () => {
    const { diff: d, io } = await diff(
      { ".github/workflows/ci.yml": CI },
      { ".github/workflows/ci.yml": null, ".github/workflows/test.yml": CI },
    );
    expect(d.changes).toEqual([]);
    expect(io.summary).toContain("Renamed policy files");
  });

  it("records a workflow that does not parse as unreadable, with its line, and compares the rest", async () => {
    const broken = "on: push\njobs:\n  test:\n    permissions:\n      contents: [read\n";
    const other = CI.replace("contents: read", "contents: write");
    const { diff: d, io } = await diff(
      { ".github/workflows/ci.yml": CI, ".github/workflows/other.yml": CI },
      { ".github/workflows/ci.yml": broken, ".github/workflows/other.yml": other },
    );
    expect(brief(d)).toEqual(["widened escalation/high job test | contents: write | GITHUB_TOKEN"]);
    expect(d.unreadable).toHaveLength(1);
    expect(d.unreadable[0]).toMatchObject({ file: ".github/workflows/ci.yml", ref: "head" });
    expect(d.unreadable[0]?.reason).toMatch(/^line \d+: /);
    expect(
      io.annotations.some((a) => a.level === "warning" && a.properties?.file === ".github/workflows/ci.yml"),
    ).toBe(true);
  });

  it("names an unknown permission scope", async () => {
    const head = CI.replace("contents: read", "contents: read\n  contentz: write");
    const { diff: d } = await diff({ ".github/workflows/ci.yml": CI }, { ".github/workflows/ci.yml": head });
    expect(d.unreadable[0]?.reason).toBe(
      'line 5: unknown permission scope "contentz"; GitHub knows actions, attestations, checks, contents, deployments, discussions, id-token, issues, metadata, models, packages, pages, pull-requests, repository-projects, security-events, statuses',
    );
  });
});

describe("workflow parts", () => {
  it("knows which uses: can move", () => {
    expect(unpinned("actions/checkout@v4")).toBe("actions/checkout");
    expect(unpinned("Org/Repo/.github/workflows/deploy.yml@main")).toBe(
      "org/repo/.github/workflows/deploy.yml",
    );
    expect(unpinned("actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683")).toBeUndefined();
    expect(unpinned("./.github/actions/local")).toBeUndefined();
    expect(unpinned("docker://alpine:3.20")).toBe("docker://alpine");
    expect(unpinned(`docker://alpine@sha256:${"a".repeat(64)}`)).toBeUndefined();
  });

  it("finds secrets in expressions only, and reads every secret from dynamic uses", () => {
    const node = {} as never;
    const names = (text: string) => referencedSecrets([{ text, node }]).map((s) => s.name);
    expect(names("${{ secrets.npm_token }} and ${{ secrets['DEPLOY-KEY'] }}")).toEqual([
      "NPM_TOKEN",
      "DEPLOY-KEY",
    ]);
    expect(names("echo 'no secrets here'")).toEqual([]);
    expect(names("${{ toJSON(secrets) }}")).toEqual(["*"]);
    expect(names("${{ secrets[format('KEY_{0}', matrix.env)] }}")).toEqual(["*"]);
  });
});
