import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Sarif, validate } from "@secflow/sarif";
import { afterAll, describe, expect, it } from "vitest";
import type { PolicyDiff } from "../src/diff-file.ts";
import { createRepo, gitEnv, type Repo } from "./repo.ts";

const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const bundle = path.join(here, "..", "dist", "index.js");
const examples = path.join(
  here,
  "../../../node_modules/@octokit/webhooks-examples/api.github.com/index.json",
);

const repos: Repo[] = [];
const folders: string[] = [];
afterAll(() =>
  Promise.all([
    ...repos.map((r) => r.cleanup()),
    ...folders.map((f) => rm(f, { recursive: true, force: true })),
  ]),
);

/** The `name=value` and heredoc lines @actions/core writes to GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? "");
    if (!heredoc) continue;
    const [, name = "", marker] = heredoc;
    const value: string[] = [];
    while (lines[++i] !== marker) value.push(lines[i] ?? "");
    outputs[name] = value.join("\n");
  }
  return outputs;
}

describe("dist/index.js", () => {
  it("runs as the GitHub runner runs it, on a real pull_request payload", async () => {
    await stat(bundle); // built by `npm run bundle -w actions/policy-diff`
    const repo = await createRepo();
    repos.push(repo);
    const workflow =
      "on: push\npermissions: { contents: read }\njobs:\n  build: { runs-on: ubuntu-latest, steps: [{ run: make }] }\n";
    const baseSha = await repo.commit({ ".github/workflows/build.yml": workflow });
    const headSha = await repo.commit({
      ".github/workflows/build.yml": workflow.replace("contents: read", "contents: write"),
    });

    const all = JSON.parse(await readFile(examples, "utf8")) as { name: string; examples: any[] }[];
    const payload = structuredClone(
      all.find((e) => e.name === "pull_request")?.examples.find((e) => e.action === "opened"),
    );
    payload.pull_request.base.sha = baseSha;
    payload.pull_request.head.sha = headSha;
    const files = { event: "event.json", output: "github-output", summary: "step-summary" };
    // The runner keeps these files outside the workspace.
    const runner = await mkdtemp(path.join(tmpdir(), "policy-diff-runner-"));
    folders.push(runner);
    await writeFile(path.join(runner, files.event), JSON.stringify(payload));
    await writeFile(path.join(runner, files.output), "");
    await writeFile(path.join(runner, files.summary), "");

    const { stdout } = await execFileAsync(process.execPath, [bundle], {
      cwd: repo.dir,
      env: {
        ...gitEnv,
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: path.join(runner, files.event),
        GITHUB_OUTPUT: path.join(runner, files.output),
        GITHUB_STEP_SUMMARY: path.join(runner, files.summary),
        GITHUB_WORKSPACE: repo.dir,
        GITHUB_REPOSITORY: "Codertocat/Hello-World",
        GITHUB_SERVER_URL: "https://github.com",
        // As the runner sets them from action.yml's defaults.
        INPUT_OUTPUT: "out/policy.sarif",
        "INPUT_DIFF-OUTPUT": "out/policy-diff.json",
      },
    });
    expect(stdout).toContain("1 change (1 escalation, 0 widenings, 0 neutral, 0 reductions)");

    const outputs = parseOutputs(await readFile(path.join(runner, files.output), "utf8"));
    expect(outputs).toMatchObject({
      "sarif-file": path.join(repo.dir, "out/policy.sarif"),
      "diff-file": path.join(repo.dir, "out/policy-diff.json"),
      changes: "1",
      escalations: "1",
      "max-severity": "high",
      unreadable: "0",
    });
    const sarif = JSON.parse(await readFile(path.join(repo.dir, "out/policy.sarif"), "utf8")) as Sarif.Log;
    expect(validate(sarif)).toEqual({ valid: true, issues: [] });
    expect(sarif.runs[0]?.versionControlProvenance?.[0]).toMatchObject({
      repositoryUri: "https://github.com/Codertocat/Hello-World",
      revisionId: headSha,
    });
    const diff = JSON.parse(
      await readFile(path.join(repo.dir, "out/policy-diff.json"), "utf8"),
    ) as PolicyDiff;
    expect(diff).toMatchObject({
      version: 1,
      base: baseSha,
      head: headSha,
      counts: { escalations: 1, widenings: 0, neutral: 0, reductions: 0 },
    });
    expect(diff.changes[0]).toMatchObject({
      kind: "widened",
      permission: "contents: write",
      before: "contents: read on GITHUB_TOKEN",
      line: 2,
    });
    expect(await readFile(path.join(runner, files.summary), "utf8")).toContain(
      "| escalation, high | widened | job build |",
    );
  });
});
