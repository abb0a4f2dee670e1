import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { validate } from "@secflow/sarif";
import { describe, expect, it } from "vitest";
import { demoRepository, root } from "./support/runner.ts";

const exec = promisify(execFile);

// GitHub's own tool for running a JavaScript action locally: it loads src/main.ts (TypeScript,
// through tsx), calls its exported run() and feeds inputs from a .env file.
describe("@github/local-action", () => {
  it("runs policy-diff from source with inputs from a .env file", async () => {
    const { repo, base } = await demoRepository();
    const scratch = await mkdtemp(join(tmpdir(), "secflow-local-action-"));
    const dotenv = join(scratch, ".env");
    await writeFile(
      dotenv,
      [
        `INPUT_BASE=${base}`,
        "INPUT_HEAD=HEAD",
        `INPUT_OUTPUT=${join(scratch, "policy.sarif")}`,
        `INPUT_DIFF-OUTPUT=${join(scratch, "policy.json")}`,
        `GITHUB_WORKSPACE=${repo}`,
      ].join("\n"),
    );
    const bin = join(root, "node_modules/@github/local-action/bin/local-action.js");
    const { stdout } = await exec(
      process.execPath,
      [bin, "run", "actions/policy-diff", "src/main.ts", dotenv],
      {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      },
    );
    expect(stdout).toMatch(/Privilege diff/);
    expect(stdout).toMatch(/iam:PassRole/);
    const diff = JSON.parse(await readFile(join(scratch, "policy.json"), "utf8"));
    expect(diff.counts.escalations).toBeGreaterThanOrEqual(4);
    expect(validate(JSON.parse(await readFile(join(scratch, "policy.sarif"), "utf8"))).issues).toEqual([]);
  }, 120_000);
});
