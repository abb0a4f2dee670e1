import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../src/report.ts";
import { freshDatabase } from "./support/fresh-database.ts";
import { blobSha, type FakeGitHub, fakeGitHub } from "./support/github-server.ts";
import { runReport } from "./support/run-report.ts";

// Adoption through calls: a repository that runs secflow through a central reusable workflow of
// another synced repository, or through a local composite action, runs those actions; a call the
// store cannot follow is listed, never dropped.

const TOKEN = "ghs_adoptioncalls0123456789abcdef01234";
const NOW = "2030-01-01T00:00:00Z";
const LATEST = "sast=2.1.0,sca=2.0.0,policy-diff=1.1.0,change-gate=2.0.1,flow-report=0.1.0";
const fixture = (name: string) =>
  readFile(new URL(`fixtures/workflows/calls/${name}`, import.meta.url), "utf8");
const rowsOf = (report: Report, table: string) => report.tables[table]?.rows ?? [];
const CENTRAL = "acme/security/.github/workflows/secflow.yml@v1";

let tmp: string;
let central: string;
let gate: string;
let caller: string;
let deps: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "flow-report-adoption-calls-"));
  [central, gate, caller, deps] = await Promise.all([
    fixture("central.yml"),
    fixture("gate-action.yml"),
    fixture("caller.yml"),
    fixture("deps-action.yaml"),
  ]);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("adoption through calls, from the GitHub API", () => {
  let api: FakeGitHub;
  let database: string;

  beforeAll(async () => {
    api = await fakeGitHub();
    api.state.orgs.acme = ["acme/security", "acme/shop"];
    api.state.workflows["acme/security"] = { "secflow.yml": central };
    api.state.files["acme/security"] = { ".github/actions/gate/action.yml": gate };
    api.state.workflows["acme/shop"] = { "security.yml": caller };
    api.state.files["acme/shop"] = {
      ".github/actions/deps/action.yaml": deps,
      ".github/actions/deps/README.md": "# deps\n",
    };
    database = await freshDatabase(path.join(tmp, "github.db.tar.gz"));
  }, 60_000);

  afterAll(() => api.close());

  const runOrg = async (output: string) => {
    const run = await runReport(
      {
        organisation: "acme",
        token: TOKEN,
        database,
        output: path.join(tmp, output),
        now: NOW,
        "latest-versions": LATEST,
      },
      { GITHUB_API_URL: api.url, GITHUB_WORKSPACE: tmp },
    );
    const report: Report = JSON.parse(await readFile(path.join(tmp, output, "report.json"), "utf8"));
    return { ...run, report };
  };
  const actionsOf = (report: Report) =>
    rowsOf(report, "workflow_actions").map((r) => [
      r.repository,
      r.workflow,
      r.via,
      r.action,
      r.version,
      r.status,
    ]);

  it("counts the actions of a central reusable workflow and of local composite actions for the caller, and lists the calls it cannot follow", async () => {
    const { outcome, io, report } = await runOrg("first");
    expect(outcome).toEqual({});
    // acme/security's workflow runs only when called: it counts for acme/shop, not for itself.
    expect(actionsOf(report)).toEqual([
      ["acme/shop", ".github/workflows/security.yml", "./.github/actions/deps", "sca", "2", "current"],
      ["acme/shop", ".github/workflows/security.yml", CENTRAL, "sast", "2.0.0", "behind"],
      [
        "acme/shop",
        ".github/workflows/security.yml",
        `${CENTRAL} → ./.github/actions/gate`,
        "change-gate",
        "2.0.1",
        "current",
      ],
    ]);
    const organisation = rowsOf(report, "adoption_by_action").filter((r) => r.scope === "organisation");
    expect(organisation.map((r) => [r.action, r.repositories, r.behind, r.through_calls])).toEqual([
      ["sast", 1, 1, 1],
      ["sca", 1, 0, 1],
      ["change-gate", 1, 0, 1],
    ]);
    // Not dropped: the repository outside the sync, and the local action that is not there.
    expect(
      rowsOf(report, "workflow_calls_not_followed").map((r) => [
        r.repository,
        r.workflow,
        r.line,
        r.calls,
        r.reason,
        r.repositories_affected,
      ]),
    ).toEqual([
      [
        "acme/shop",
        ".github/workflows/security.yml",
        17,
        "outsider/shared/.github/workflows/scan.yml@main",
        expect.stringMatching(/^outsider\/shared is not in the store: not synced/),
        1,
      ],
      [
        "acme/shop",
        ".github/workflows/security.yml",
        23,
        "./.github/actions/missing",
        "the called file could not be read: see workflow_problems",
        1,
      ],
    ]);
    expect(rowsOf(report, "workflow_problems").map((r) => [r.repository, r.workflow, r.problem])).toEqual([
      [
        "acme/shop",
        ".github/actions/missing",
        expect.stringMatching(/^no such folder on the default branch/),
      ],
    ]);
    expect(io.outputs["unreadable-workflows"]).toBe("1");
    expect(io.summary).toContain("not followed");
    // Each action file was read as a blob, once.
    expect(
      api.requests
        .filter((r) => r.path.includes("/git/blobs/"))
        .map((r) => r.path.split("/").slice(0, 4).join("/")),
    ).toEqual(["/repos/acme/security", "/repos/acme/security", "/repos/acme/shop", "/repos/acme/shop"]);
  });

  it("re-syncs for 304s, and a change to the central workflow changes every caller without reading the callers again", async () => {
    api.requests.length = 0;
    const quiet = await runOrg("second");
    expect(api.requests.filter((r) => r.path.includes("/git/blobs/"))).toEqual([]);
    expect(api.requests.filter((r) => r.path.includes("/contents/")).map((r) => [r.path, r.status])).toEqual([
      ["/repos/acme/security/contents/.github/workflows", 304],
      ["/repos/acme/security/contents/.github/actions/gate", 304],
      ["/repos/acme/shop/contents/.github/workflows", 304],
      ["/repos/acme/shop/contents/.github/actions/deps", 304],
      ["/repos/acme/shop/contents/.github/actions/missing", 404],
    ]);
    expect(actionsOf(quiet.report)).toHaveLength(3);

    const moved = central.replace("sast@sast/v2.0.0", "sast@sast/v2.1.0");
    api.state.workflows["acme/security"] = { "secflow.yml": moved };
    api.requests.length = 0;
    const after = await runOrg("third");
    expect(api.requests.filter((r) => r.path.includes("/git/blobs/")).map((r) => r.path)).toEqual([
      `/repos/acme/security/git/blobs/${blobSha(moved)}`,
    ]);
    expect(actionsOf(after.report)).toContainEqual([
      "acme/shop",
      ".github/workflows/security.yml",
      CENTRAL,
      "sast",
      "2.1.0",
      "current",
    ]);
  });
});

describe("adoption through calls, from a folder of checkouts", () => {
  const SECRET = "ghp_compositesecret000000000000000000000";
  let report: Report;
  let reportText: string;
  let log: string;
  let outputs: Record<string, unknown>;

  /** Writes files (text, or { link } for a symbolic link) under a checkout. */
  async function checkout(root: string, files: Record<string, string | { link: string }>) {
    await mkdir(path.join(root, ".git"), { recursive: true });
    for (const [file, content] of Object.entries(files)) {
      const at = path.join(root, file);
      await mkdir(path.dirname(at), { recursive: true });
      if (typeof content === "string") await writeFile(at, content);
      else await symlink(content.link, at);
    }
  }
  const composite = (...uses: string[]) =>
    `name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n${uses.map((u) => `    - uses: ${u}\n`).join("")}`;
  const workflow = (on: string, jobs: string) => `on: ${on}\njobs:\n${jobs}`;
  const stepsJob = (...uses: string[]) =>
    `  a:\n    runs-on: ubuntu-latest\n    steps:\n${uses.map((u) => `      - uses: ${u}\n`).join("")}`;

  beforeAll(async () => {
    const root = path.join(tmp, "checkouts", "acme");
    const outside = path.join(tmp, "outside");
    await mkdir(outside, { recursive: true });
    // What the attack would read: a valid composite action, so reading it would put flow-report in the tables.
    await writeFile(
      path.join(outside, "evil.yml"),
      `# ${SECRET}\n${composite("acme/secflow/actions/flow-report@flow-report/v0.1.0")}`,
    );
    await checkout(path.join(root, "security"), {
      ".github/workflows/secflow.yml": central,
      ".github/actions/gate/action.yml": gate,
    });
    // The control: a composite whose action.yaml is a link that stays inside the repository.
    await checkout(path.join(root, "shop"), {
      ".github/workflows/security.yml": caller,
      "ci/deps.yaml": deps,
      ".github/actions/deps/action.yaml": { link: "../../../ci/deps.yaml" },
    });
    // The attack: a composite action whose action.yml links out of the checkout; and a path out of it.
    await checkout(path.join(root, "web"), {
      ".github/workflows/ci.yml": workflow(
        "push",
        stepsJob("./.github/actions/evil", "./.github/actions/scan", "./../outside"),
      ),
      ".github/actions/evil/action.yml": { link: path.join(outside, "evil.yml") },
      ".github/actions/scan/action.yml": composite("acme/secflow/actions/policy-diff@policy-diff/v1.1.0"),
    });
    // Nesting: ten levels of workflows (the caller and nine reusable ones) are followed, an
    // eleventh is not; ten nested composite actions are read, an eleventh is not.
    const deep: Record<string, string> = {
      ".github/workflows/deep.yml": workflow(
        "push",
        `  call:\n    uses: ./.github/workflows/level1.yml\n${stepsJob("./.github/actions/c1")}`,
      ),
    };
    for (let level = 1; level <= 10; level++) {
      const next = level < 10 ? `  call:\n    uses: ./.github/workflows/level${level + 1}.yml\n` : "";
      const step =
        level === 9
          ? "acme/secflow/actions/sca@sca/v2"
          : level === 10
            ? "acme/secflow/actions/sast@sast/v2"
            : "actions/checkout@v5";
      deep[`.github/workflows/level${level}.yml`] = workflow("workflow_call", `${next}${stepsJob(step)}`);
    }
    for (let level = 1; level <= 11; level++) {
      const uses = level === 10 ? ["acme/secflow/actions/policy-diff@policy-diff/v1"] : [];
      if (level === 11) uses.push("acme/secflow/actions/change-gate@change-gate/v2");
      if (level < 11) uses.push(`./.github/actions/c${level + 1}`);
      deep[`.github/actions/c${level}/action.yml`] = composite(...uses);
    }
    await checkout(path.join(root, "deep"), deep);
    // A cycle (GitHub would refuse to run it): followed once round, then listed.
    await checkout(path.join(root, "loop"), {
      ".github/workflows/loop.yml": workflow(
        "push",
        `  call:\n    uses: ./.github/workflows/back.yml\n${stepsJob("acme/secflow/actions/sast@sast/v2")}`,
      ),
      ".github/workflows/back.yml": workflow(
        "workflow_call",
        "  again:\n    uses: ./.github/workflows/loop.yml\n",
      ),
    });

    const database = await freshDatabase(path.join(tmp, "checkouts.db.tar.gz"));
    const run = await runReport({
      checkouts: path.join(tmp, "checkouts"),
      "latest-versions": LATEST,
      database,
      output: path.join(tmp, "local"),
      now: NOW,
    });
    expect(run.outcome).toEqual({});
    reportText = await readFile(path.join(tmp, "local", "report.json"), "utf8");
    report = JSON.parse(reportText);
    log = run.log;
    outputs = run.io.outputs;
  }, 60_000);

  const actionsOf = (repository: string) =>
    rowsOf(report, "workflow_actions")
      .filter((r) => r.repository === repository)
      .map((r) => [r.via, r.action]);

  it("counts a local composite action's secflow steps, and follows a central reusable workflow of another checkout", () => {
    expect(actionsOf("acme/shop")).toEqual([
      ["./.github/actions/deps", "sca"],
      [CENTRAL, "sast"],
      [`${CENTRAL} → ./.github/actions/gate`, "change-gate"],
    ]);
    expect(actionsOf("acme/security")).toEqual([]);
  });

  it("never reads a composite action through a link out of the checkout", () => {
    // Attack: the link is named, nothing behind it is read.
    expect(
      rowsOf(report, "workflow_problems")
        .filter((r) => r.repository === "acme/web")
        .map((r) => [r.workflow, r.problem]),
    ).toEqual([
      ["../outside", "a local action path that leads out of the repository; not read"],
      [
        ".github/actions/evil/action.yml",
        expect.stringMatching(/^is a symbolic link that leads out of the repository/),
      ],
    ]);
    expect(rowsOf(report, "workflow_actions").map((r) => r.action)).not.toContain("flow-report");
    expect(reportText).not.toContain(SECRET);
    expect(log).not.toContain(SECRET);
    // Control: the composite inside the checkout is read.
    expect(actionsOf("acme/web")).toEqual([["./.github/actions/scan", "policy-diff"]]);
  });

  it("bounds nesting as GitHub does, and says where it stopped", () => {
    expect(actionsOf("acme/deep")).toEqual([
      [
        "./.github/actions/c1 → ./.github/actions/c2 → ./.github/actions/c3 → ./.github/actions/c4 → ./.github/actions/c5 → ./.github/actions/c6 → ./.github/actions/c7 → ./.github/actions/c8 → ./.github/actions/c9 → ./.github/actions/c10",
        "policy-diff",
      ],
      [Array.from({ length: 9 }, (_, i) => `./.github/workflows/level${i + 1}.yml`).join(" → "), "sca"],
    ]);
    expect(
      rowsOf(report, "workflow_problems")
        .filter((r) => r.repository === "acme/deep")
        .map((r) => [r.workflow, r.problem]),
    ).toEqual([
      [".github/actions/c11", "composite actions nested more than 10 deep (GitHub runs no deeper); not read"],
    ]);
    expect(
      rowsOf(report, "workflow_calls_not_followed")
        .filter((r) => r.repository === "acme/deep")
        .map((r) => [r.workflow, r.calls, r.reason]),
    ).toEqual([
      [
        ".github/actions/c10/action.yml",
        "./.github/actions/c11",
        "the called file could not be read: see workflow_problems",
      ],
      [
        ".github/workflows/level9.yml",
        "./.github/workflows/level10.yml",
        "more than 10 levels of reusable workflows (GitHub runs no deeper)",
      ],
    ]);
    expect(actionsOf("acme/loop")).toEqual([[null, "sast"]]);
    expect(
      rowsOf(report, "workflow_calls_not_followed")
        .filter((r) => r.repository === "acme/loop")
        .map((r) => [r.workflow, r.calls, r.reason]),
    ).toEqual([
      [
        ".github/workflows/back.yml",
        "./.github/workflows/loop.yml",
        "it calls a file that is already in its chain of calls (a cycle)",
      ],
    ]);
    // Counted with the unreadable workflows: acme/shop's missing action, acme/web's two, acme/deep's one.
    expect(outputs["unreadable-workflows"]).toBe("4");
  });
});
