import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, tempTree } from "./helpers.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../../..");
const DIST = path.join(ROOT, "actions/sast/dist/index.js");
const EXAMPLES = path.join(ROOT, "node_modules/@octokit/webhooks-examples/api.github.com/index.json");

/** A real pull_request "opened" payload, pointed at the commits of the test repository. */
async function pullRequestPayload(baseSha: string, headSha: string) {
  const all = JSON.parse(await readFile(EXAMPLES, "utf8")) as {
    name: string;
    examples: Record<string, any>[];
  }[];
  const payload = structuredClone(
    all.find((e) => e.name === "pull_request")?.examples.find((e) => e.action === "opened"),
  );
  if (!payload) throw new Error("no pull_request opened example in @octokit/webhooks-examples");
  payload.pull_request.base.sha = baseSha;
  payload.pull_request.base.ref = "main";
  payload.pull_request.head.sha = headSha;
  payload.pull_request.head.ref = "feature";
  return payload;
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks → a record. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] as string] = match[3] as string;
  return outputs;
}

// The bundle, run the way the GitHub runner runs a JavaScript action.
describe("dist/index.js on a pull_request event", () => {
  let repo: Awaited<ReturnType<typeof tempRepo>>;
  let runner: Awaited<ReturnType<typeof tempTree>>;
  let result: { code: number; stdout: string };
  beforeAll(async () => {
    repo = await tempRepo({
      "src/server.js": 'const cp = require("child_process");\nfunction run(cmd) {\n  cp.exec(cmd);\n}\n',
    });
    const base = await repo.commit("base");
    await repo.git("checkout", "-q", "-b", "feature");
    await repo.write({
      "src/server.js":
        'const cp = require("child_process");\nfunction run(cmd) {\n  cp.exec(cmd);\n}\neval(process.argv[2]);\n',
    });
    const head = await repo.commit("feature");
    runner = await tempTree({ "output.txt": "", "summary.md": "" });
    await writeFile(
      path.join(runner.dir, "event.json"),
      JSON.stringify(await pullRequestPayload(base, head)),
    );
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: repo.dir,
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: path.join(runner.dir, "event.json"),
      GITHUB_OUTPUT: path.join(runner.dir, "output.txt"),
      GITHUB_STEP_SUMMARY: path.join(runner.dir, "summary.md"),
      GITHUB_REPOSITORY: "Codertocat/Hello-World",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_HEAD_REF: "feature",
      "INPUT_FAIL-ON": "high",
      INPUT_OUTPUT: "results/sast.sarif",
      INPUT_BASELINE: "auto",
      "INPUT_INSTALL-TOOLS": "false",
    };
    result = await run(process.execPath, [DIST], { cwd: repo.dir, env }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
  }, 60_000);
  afterAll(async () => {
    await repo.cleanup();
    await runner.cleanup();
  });

  it("compares with the pull request's base and fails on the new high finding", () => {
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("::error::1 new finding(s) of severity high or higher (fail-on: high)");
    expect(result.stdout).toContain(
      "::error title=ESLint security/detect-eval-with-expression (high),file=src/server.js,line=5",
    );
  });

  it("sets the outputs in GITHUB_OUTPUT", async () => {
    const outputs = parseOutputs(await readFile(path.join(runner.dir, "output.txt"), "utf8"));
    expect(outputs).toEqual({
      "sarif-file": path.join(repo.dir, "results/sast.sarif"),
      "new-count": "1",
      "total-count": "2",
      "max-severity": "high",
    });
  });

  it("writes valid SARIF in diff mode with the repository's provenance", async () => {
    const log = JSON.parse(await readFile(path.join(repo.dir, "results/sast.sarif"), "utf8")) as Sarif.Log;
    expect(validate(log)).toEqual({ valid: true, issues: [] });
    const [eslint] = log.runs;
    expect(eslint?.automationDetails?.id).toBe("secflow/sast/eslint/");
    expect(eslint?.versionControlProvenance?.[0]).toMatchObject({
      repositoryUri: "https://github.com/Codertocat/Hello-World",
      branch: "feature",
    });
    expect(eslint?.results?.map((r) => `${r.ruleId} ${r.baselineState}`)).toEqual([
      "security/detect-child-process unchanged",
      "security/detect-eval-with-expression new",
    ]);
  });

  it("writes the job summary", async () => {
    const summary = await readFile(path.join(runner.dir, "summary.md"), "utf8");
    expect(summary).toContain("**1 new** of 2 finding(s)");
    expect(summary).toContain(
      "| high | ESLint | `security/detect-eval-with-expression` | `src/server.js:5` |",
    );
  });
});
