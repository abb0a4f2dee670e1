import { describe, expect, it } from "vitest";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

// Issue #13: a job renamed, or moved to another workflow file, is the same job: compared as one,
// so only what really changed in it is reported, not an add and a remove.

const CI = `name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - run: npm ci && npm test
        env:
          NPM_TOKEN: \${{ secrets.NPM_TOKEN }}
  lint:
    runs-on: ubuntu-latest
    permissions: { contents: read }
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - run: npm run lint
`;

const diff = diffCommitsCleanedUpAfterAll();

describe("jobs renamed or moved", () => {
  it("a job renamed is no change, and the summary says what was compared as one", async () => {
    const head = CI.replace("  test:\n", "  unit-tests:\n");
    const { diff: d, io } = await diff(
      { ".github/workflows/ci.yml": CI },
      { ".github/workflows/ci.yml": head },
    );
    expect(d.changes).toEqual([]);
    expect(io.summary).toContain(
      "Renamed or moved, compared under the new name: job test (.github/workflows/ci.yml) → job unit-tests (.github/workflows/ci.yml).",
    );
  });

  it("a job moved to another workflow file is no change", async () => {
    const [top, lint] = CI.split("  lint:\n");
    const moved = `name: lint\non: [push, pull_request]\njobs:\n  lint:\n${lint}`;
    const { diff: d } = await diff(
      { ".github/workflows/ci.yml": CI },
      { ".github/workflows/ci.yml": top ?? "", ".github/workflows/lint.yml": moved },
    );
    expect(d.changes).toEqual([]);
  });

  it("control: a job renamed that also gains a write scope reports the scope (attack: a rename to hide it)", async () => {
    const head = CI.replace("  test:\n", "  unit-tests:\n").replace(
      "      contents: read\n      id-token: write\n",
      "      contents: write\n      id-token: write\n",
    );
    const { diff: d, outcome } = await diff(
      { ".github/workflows/ci.yml": CI },
      { ".github/workflows/ci.yml": head },
    );
    expect(brief(d)).toEqual(["widened escalation/high job unit-tests | contents: write | GITHUB_TOKEN"]);
    expect(outcome.diff.changes[0]?.why).toBe("contents: write pushes code, tags and releases");
  });

  it("control: a new job with other steps and more privileges, replacing an old one, is reported", async () => {
    const head = CI.replace(
      "  lint:\n    runs-on: ubuntu-latest\n    permissions: { contents: read }\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - run: npm run lint\n",
      "  release:\n    runs-on: ubuntu-latest\n    permissions: { contents: write, packages: write }\n    steps:\n      - run: npm publish\n",
    );
    const { diff: d } = await diff({ ".github/workflows/ci.yml": CI }, { ".github/workflows/ci.yml": head });
    // One row for the one line that grants both scopes.
    expect(brief(d)).toEqual([
      "added escalation/high job release | contents: write, packages: write | GITHUB_TOKEN",
      "removed reduction/info job lint | contents: read | GITHUB_TOKEN",
    ]);
  });
});

describe("workflow severity", () => {
  it("rates read scopes, first-party actions on a tag and GITHUB_TOKEN low; write scopes by what they allow", async () => {
    const head = CI.replace(
      "      - run: npm run lint\n",
      "      - uses: actions/setup-node@v4\n      - run: npm run lint\n        env:\n          GH: ${{ secrets.GITHUB_TOKEN }}\n",
    ).replace(
      "    permissions: { contents: read }\n",
      "    permissions:\n      contents: read\n      pull-requests: read\n      issues: write\n      statuses: write\n",
    );
    const { diff: d } = await diff({ ".github/workflows/ci.yml": CI }, { ".github/workflows/ci.yml": head });
    expect(brief(d)).toEqual([
      // Commit statuses can satisfy required checks.
      "added escalation/high job lint | statuses: write | GITHUB_TOKEN",
      "added widening/low job lint | pull-requests: read | GITHUB_TOKEN",
      "added widening/low job lint | issues: write | GITHUB_TOKEN",
      "added widening/low job lint | unpinned action | actions/setup-node",
      "added widening/low job lint | read secret | GITHUB_TOKEN",
    ]);
  });
});
