import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secflow } from "../../../packages/cli/test/run-cli.ts";
import type { Report } from "../src/report.ts";
import { freshDatabase } from "./support/fresh-database.ts";
import { gateOnce, teamConfig } from "./support/gate-evidence.ts";
import { blobSha, type FakeGitHub, fakeGitHub } from "./support/github-server.ts";
import { runReport } from "./support/run-report.ts";

// Adoption end to end: the action reads the workflow files of an organisation's repositories
// through the (local, fake) GitHub API, or of a folder of checkouts, and reports which secflow
// actions each runs at which version against the upstream's latest releases.

const TOKEN = "ghs_adoptiontoken0123456789abcdef0123";
const NOW = "2030-01-01T00:00:00Z";
const fixture = (name: string) => readFile(new URL(`fixtures/workflows/${name}`, import.meta.url), "utf8");

let tmp: string;
let api: FakeGitHub;
let pinned: string;
let fork: string;
let broken: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "flow-report-adoption-"));
  [pinned, fork, broken] = await Promise.all([
    fixture("secflow/pinned.yml"),
    fixture("secflow/fork.yml"),
    fixture("secflow/broken.yml"),
  ]);
  api = await fakeGitHub();
  // acme/shop has the gate's evidence, so its team is known.
  const evidence = await gateOnce(teamConfig("payments", "2099-01-01"), {
    number: 1,
    title: "docs",
    author: "dana",
    files: { "README.md": "# a\n" },
    env: { GITHUB_REPOSITORY: "acme/shop", GITHUB_RUN_ID: "1" },
  });
  api.addArtifact("acme/shop", 1, zipSync({ "evidence.json": strToU8(JSON.stringify(evidence)) }));
  api.state.orgs.acme = ["acme/shop", "acme/api", "acme/web"];
  api.state.workflows["acme/shop"] = { "secflow.yml": pinned, "broken.yml": broken, "notes.md": "# no" };
  api.state.workflows["acme/api"] = { "secflow.yml": fork, "linked.yml": { symlink: "../../secflow.yml" } };
  // acme/web has no .github/workflows: GitHub answers 404.
  api.state.releases["acme/secflow"] = [
    { tag: "sast/v3.0.0", draft: true },
    { tag: "sca/v3.0.0-rc.1", prerelease: true },
    { tag: "change-gate/v2.0.1" },
    { tag: "sast/v2.1.0" },
    { tag: "policy-diff/v1.1.0" },
    { tag: "sca/v2.0.0" },
    { tag: "sast/v2.0.0" },
  ];
  // No release names flow-report: its latest comes from the tags.
  api.state.tags["acme/secflow"] = ["flow-report/v0", "flow-report/v0.1.0"];
}, 60_000);

afterAll(async () => {
  await api.close();
  await rm(tmp, { recursive: true, force: true });
});

const rowsOf = (report: Report, table: string) => report.tables[table]?.rows ?? [];

describe("adoption from the GitHub API", () => {
  let database: string;
  const runOrg = async (output: string) => {
    const run = await runReport(
      { organisation: "acme", token: TOKEN, database, output: path.join(tmp, output), now: NOW },
      { GITHUB_API_URL: api.url, GITHUB_WORKSPACE: tmp },
    );
    const report: Report = JSON.parse(await readFile(path.join(tmp, output, "report.json"), "utf8"));
    return { ...run, report };
  };

  it("reports each repository's secflow actions, versions against the latest release, forks, and the unreadable files", async () => {
    database = await freshDatabase(path.join(tmp, "github.db.tar.gz"));
    const { outcome, io, report } = await runOrg("first");
    expect(outcome).toEqual({});
    expect(
      rowsOf(report, "workflow_actions").map((r) => [
        r.repository,
        r.team,
        r.workflow,
        r.action,
        r.kind,
        r.version,
        r.latest_release,
        r.status,
      ]),
    ).toEqual([
      // By team (acme/api has no evidence, so no team), repository, file and line.
      [
        "acme/shop",
        "payments",
        ".github/workflows/secflow.yml",
        "sast",
        "upstream",
        "2.0.0",
        "2.1.0",
        "behind",
      ],
      ["acme/shop", "payments", ".github/workflows/secflow.yml", "sca", "upstream", "2", "2.0.0", "current"],
      [
        "acme/shop",
        "payments",
        ".github/workflows/secflow.yml",
        "change-gate",
        "upstream",
        "unknown",
        "2.0.1",
        "unknown version",
      ],
      [
        "acme/api",
        "unknown",
        ".github/workflows/secflow.yml",
        "policy-diff",
        "upstream",
        "1.1.0",
        "1.1.0",
        "current",
      ],
      ["acme/api", "unknown", ".github/workflows/secflow.yml", "sca", "fork", "1", "2.0.0", "behind"],
      [
        "acme/api",
        "unknown",
        ".github/workflows/secflow.yml",
        "sast",
        "upstream",
        "2.1.0",
        "2.1.0",
        "current",
      ],
    ]);
    const organisation = rowsOf(report, "adoption_by_action").filter((r) => r.scope === "organisation");
    expect(
      Object.fromEntries(
        organisation.map((r) => [
          r.action,
          [
            r.latest_release,
            r.repositories,
            r.current,
            r.behind,
            r.unknown_version,
            r.pinned_by_sha,
            r.forks,
          ],
        ]),
      ),
    ).toEqual({
      sast: ["2.1.0", 2, 1, 1, 0, 2, 0],
      sca: ["2.0.0", 2, 1, 1, 0, 0, 1],
      "policy-diff": ["1.1.0", 1, 1, 0, 0, 0, 0],
      "change-gate": ["2.0.1", 1, 0, 0, 1, 1, 0],
    });
    expect(rowsOf(report, "adoption_by_action")).toContainEqual(
      expect.objectContaining({ scope: "team", team: "payments", action: "sast", behind: 1 }),
    );
    // Named and counted, never skipped in silence: the broken file and the symbolic link.
    expect(rowsOf(report, "workflow_problems").map((r) => [r.repository, r.workflow, r.problem])).toEqual([
      ["acme/api", ".github/workflows/linked.yml", "a symlink, not a file; not read"],
      ["acme/shop", ".github/workflows/broken.yml", expect.stringMatching(/^line 8: .*\(YAML syntax\)$/)],
    ]);
    // The reusable workflow acme/api calls is in no synced repository: listed, not dropped.
    expect(
      rowsOf(report, "workflow_calls_not_followed").map((r) => [r.repository, r.line, r.calls, r.reason]),
    ).toEqual([
      [
        "acme/api",
        21,
        "acme/security-workflows/.github/workflows/secflow.yml@0123456789abcdef0123456789abcdef01234567",
        expect.stringMatching(/^acme\/security-workflows is not in the store: not synced/),
      ],
    ]);
    expect(io.outputs["unreadable-workflows"]).toBe("2");
    expect(io.annotations).toContainEqual(
      expect.objectContaining({
        level: "warning",
        message: expect.stringMatching(
          /^acme\/shop\/\.github\/workflows\/broken\.yml: line 8: .*adoption tables$/,
        ),
      }),
    );
    expect(io.summary).toContain("Adoption by action");
    expect(io.summary).toContain("Workflow files that could not be read");
    // The latest releases came from the upstream: drafts and pre-releases left out.
    expect(api.requests.filter((r) => r.path === "/repos/acme/secflow/releases")).toHaveLength(1);
    expect(api.requests.filter((r) => r.path === "/repos/acme/secflow/tags")).toHaveLength(1);
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });

  it("re-syncs for 304s: no workflow file is read again until its blob changes", async () => {
    api.requests.length = 0;
    const again = await runOrg("second");
    expect(again.outcome).toEqual({});
    const contents = api.requests.filter((r) => r.path.includes("/contents/"));
    expect(contents.map((r) => r.status)).toEqual([304, 304, 404]);
    expect(api.requests.filter((r) => r.path.includes("/git/blobs/"))).toEqual([]);
    expect(api.requests.filter((r) => r.path.endsWith("/releases")).map((r) => r.status)).toEqual([304]);
    // Kept as it was, problems included.
    expect(rowsOf(again.report, "workflow_actions")).toHaveLength(6);
    expect(again.io.outputs["unreadable-workflows"]).toBe("2");

    // acme/api moves its fork to sca/v2 and drops the link: one blob is read, the link's row goes.
    api.state.workflows["acme/api"] = { "secflow.yml": fork.replace("sca@sca/v1", "sca@sca/v2") };
    api.requests.length = 0;
    const third = await runOrg("third");
    expect(api.requests.filter((r) => r.path.includes("/git/blobs/")).map((r) => r.path)).toEqual([
      `/repos/acme/api/git/blobs/${blobSha(api.state.workflows["acme/api"]["secflow.yml"] as string)}`,
    ]);
    expect(rowsOf(third.report, "workflow_actions")).toContainEqual(
      expect.objectContaining({ repository: "acme/api", action: "sca", kind: "fork", status: "current" }),
    );
    expect(rowsOf(third.report, "workflow_problems").map((r) => r.workflow)).toEqual([
      ".github/workflows/broken.yml",
    ]);
  });

  it("takes the latest versions from the input over the releases, and skips workflows with adoption: false", async () => {
    const db = await freshDatabase(path.join(tmp, "given.db.tar.gz"));
    api.requests.length = 0;
    const run = await runReport(
      {
        repositories: "acme/shop",
        token: TOKEN,
        database: db,
        output: path.join(tmp, "given"),
        now: NOW,
        "latest-versions": "sast=2.0.0, sca=3.0.0, policy-diff=1.1.0, change-gate=2.0.1, flow-report=0.1.0",
      },
      { GITHUB_API_URL: api.url, GITHUB_WORKSPACE: tmp },
    );
    const report: Report = JSON.parse(await readFile(path.join(tmp, "given", "report.json"), "utf8"));
    expect(run.outcome).toEqual({});
    expect(rowsOf(report, "workflow_actions").map((r) => [r.action, r.latest_release, r.status])).toEqual([
      ["sast", "2.0.0", "current"],
      ["sca", "3.0.0", "behind"],
      ["change-gate", "2.0.1", "unknown version"],
    ]);
    // Every latest version was given: the upstream's releases were not asked for.
    expect(api.requests.filter((r) => r.path.startsWith("/repos/acme/secflow/"))).toEqual([]);

    api.requests.length = 0;
    const off = await runReport(
      {
        repositories: "acme/api",
        token: TOKEN,
        database: db,
        output: path.join(tmp, "off"),
        now: NOW,
        adoption: "false",
      },
      { GITHUB_API_URL: api.url, GITHUB_WORKSPACE: tmp },
    );
    expect(off.outcome).toEqual({});
    expect(api.requests.filter((r) => r.path.includes("/contents/") || r.path.includes("/releases"))).toEqual(
      [],
    );

    // An upstream whose releases cannot be read: a warning that says what to set, and the report.
    const other = await runReport(
      {
        repositories: "acme/api",
        token: TOKEN,
        database: db,
        output: path.join(tmp, "other"),
        now: NOW,
        upstream: "nobody/secflow",
      },
      { GITHUB_API_URL: api.url, GITHUB_WORKSPACE: tmp },
    );
    expect(other.outcome).toEqual({});
    expect(other.io.annotations).toContainEqual(
      expect.objectContaining({
        level: "warning",
        message: expect.stringMatching(
          /releases failed: .*Set upstream to the repository your secflow actions come from \(now nobody\/secflow\)/,
        ),
      }),
    );
    // Under that upstream, every action acme/api takes from acme/secflow or platform-team/secflow is a fork.
    const forks: Report = JSON.parse(await readFile(path.join(tmp, "other", "report.json"), "utf8"));
    expect(
      rowsOf(forks, "workflow_actions")
        .filter((r) => r.repository === "acme/api")
        .map((r) => r.kind),
    ).toEqual(["fork", "fork", "fork"]);
  });
});

describe("adoption from a folder of checkouts", () => {
  let checkouts: string;
  const SECRET = "ghp_outsidesecret0000000000000000000000";

  beforeAll(async () => {
    // checkouts/acme/{shop,api}: named acme/shop and acme/api.
    checkouts = path.join(tmp, "checkouts", "acme");
    const outside = path.join(tmp, "outside");
    await mkdir(outside, { recursive: true });
    // A valid workflow, so that reading it would put flow-report in the tables.
    await writeFile(
      path.join(outside, "secret.yml"),
      `# ${SECRET}\non: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/secflow/actions/flow-report@flow-report/v0\n`,
    );
    const shop = path.join(checkouts, "shop");
    await mkdir(path.join(shop, ".git"), { recursive: true });
    await mkdir(path.join(shop, ".github", "workflows"), { recursive: true });
    await writeFile(path.join(shop, ".github", "workflows", "secflow.yml"), pinned);
    // The attack: a workflow file in the checkout that links out of it.
    await symlink(path.join(outside, "secret.yml"), path.join(shop, ".github", "workflows", "stolen.yml"));
    const apiRepo = path.join(checkouts, "api");
    await mkdir(path.join(apiRepo, ".github", "workflows"), { recursive: true });
    await mkdir(path.join(apiRepo, "ci"), { recursive: true });
    // The control: a link that stays inside the repository is read.
    await writeFile(path.join(apiRepo, "ci", "shared.yml"), fork);
    await symlink("../../ci/shared.yml", path.join(apiRepo, ".github", "workflows", "shared.yml"));
    // A checkout whose whole workflows folder links out of it.
    const web = path.join(checkouts, "web");
    await mkdir(path.join(web, ".github"), { recursive: true });
    await symlink(outside, path.join(web, ".github", "workflows"));
  });

  it("`secflow report --checkouts` reads each checkout's workflows, never through a link out of it", async () => {
    const database = await freshDatabase(path.join(tmp, "local.db.tar.gz"));
    const cli = await secflow(
      [
        "report",
        "--checkouts",
        path.join(tmp, "checkouts"),
        "--latest-versions",
        "sast=2.1.0,sca=2.0.0,policy-diff=1.1.0,change-gate=2.0.1,flow-report=0.1.0",
        "--database",
        database,
        "--output",
        "local",
        "--now",
        NOW,
      ],
      { cwd: tmp },
    );
    expect(cli.stderr, cli.stderr).not.toMatch(/^(failed|::error)/m);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^unreadable-workflows: 2$/m);
    const report: Report = JSON.parse(await readFile(path.join(tmp, "local", "report.json"), "utf8"));
    // Attack: the link out of acme/shop is named, and nothing behind it is read.
    expect(rowsOf(report, "workflow_problems").map((r) => [r.repository, r.workflow, r.problem])).toEqual([
      [
        "acme/shop",
        ".github/workflows/stolen.yml",
        expect.stringMatching(/^is a symbolic link that leads out of the repository/),
      ],
      ["acme/web", ".github/workflows", "a symbolic link that leads out of the repository; not read"],
    ]);
    expect(rowsOf(report, "workflow_actions").map((r) => r.action)).not.toContain("flow-report");
    expect(await readFile(path.join(tmp, "local", "report.json"), "utf8")).not.toContain(SECRET);
    expect(cli.stderr).not.toContain(SECRET);
    // Control: the link inside acme/api is read like a file.
    expect(
      rowsOf(report, "workflow_actions")
        .filter((r) => r.repository === "acme/api")
        .map((r) => [r.workflow, r.action, r.kind, r.status]),
    ).toEqual([
      [".github/workflows/shared.yml", "policy-diff", "upstream", "current"],
      [".github/workflows/shared.yml", "sca", "fork", "behind"],
      [".github/workflows/shared.yml", "sast", "upstream", "current"],
    ]);
    expect(rowsOf(report, "workflow_actions").filter((r) => r.repository === "acme/shop")).toHaveLength(3);
  });

  it("says what to fix for a checkouts folder that is not there", async () => {
    const cli = await secflow(["report", "--checkouts", "nowhere", "--database", "x.db.tar.gz"], {
      cwd: tmp,
    });
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/checkouts: .*nowhere is not a folder; name a folder of repository checkouts/);
  });
});
