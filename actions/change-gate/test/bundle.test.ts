import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { validate } from "@secflow/sarif";
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
import { apiReview } from "./support/webhooks.ts";

// The committed bundle, run as the runner runs it: `node dist/index.js` with INPUT_* variables.
const BUNDLE = fileURLToPath(new URL("../dist/index.js", import.meta.url));

let s: Scenario;
let h: History;

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run bundle -w actions/change-gate`);
  s = await scenario();
  h = await standardHistory(s.repo);
});
afterAll(() => s.cleanup());

/** Parses the runner's GITHUB_OUTPUT file (`name<<delimiter` blocks). */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(pattern)) outputs[m[1] as string] = m[3] as string;
  return outputs;
}

async function runBundle(inputs: Record<string, string>, event: Record<string, string>) {
  const dir = await s.file(`runner-${Math.random().toString(36).slice(2)}/.keep`, "");
  const folder = path.dirname(dir);
  const [outputFile, summaryFile] = [path.join(folder, "output"), path.join(folder, "summary.md")];
  await writeFile(outputFile, "");
  await writeFile(summaryFile, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: s.repo.dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_API_URL: s.api.url,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: "Codertocat/Hello-World",
    ...event,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
  };
  const child = spawn(process.execPath, [BUNDLE], {
    cwd: s.repo.dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    code,
    stdout,
    outputs: parseOutputs(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
  };
}

describe("the bundled action", () => {
  it("runs on a pull_request event: review until approved, then pass, with outputs, summary and valid SARIF", async () => {
    const folder = path.join(s.tmp, "bundle-artifacts");
    for (const [i, action] of (["sast", "sca", "sast", "sca", "sast"] as const).entries()) {
      const log = sarifOf({
        action,
        tool: `tool-${i}`,
        revisionId: h.head,
        results: [{ ruleId: `r${i}`, severity: "low", path: "src/app.js", line: 1, baselineState: "new" }],
      });
      await s.file(`bundle-artifacts/job-${i}/results.sarif`, log);
    }
    const diff = await s.file("bundle-diff.json", policyDiff(h.base, h.head, [change()]));
    const event = await s.event({ base: h.base, head: h.head, author: "octo-dev", body: ROLLBACK_BODY });
    const inputs = {
      sarif: folder,
      "policy-diff": diff,
      expected: "sast,sca,policy",
      token: TOKEN,
      mode: "enforce",
    };

    const waiting = await runBundle(inputs, event);
    expect(waiting.code).toBe(1);
    expect(waiting.outputs.decision).toBe("review");
    expect(waiting.stdout).toMatch(/::error::Change gate: review/);
    // The token is registered with the runner's masking, and appears nowhere else.
    expect(waiting.stdout.replace(`::add-mask::${TOKEN}\n`, "")).not.toContain(TOKEN);

    s.api.state.reviews = [apiReview("sec-alice", "APPROVED", h.head, "2026-01-01T11:00:00Z")];
    const approved = await runBundle(inputs, event);
    expect(approved.code).toBe(0);
    expect(approved.outputs.decision).toBe("pass");
    expect(JSON.parse(approved.outputs.reasons ?? "")).toEqual([
      expect.objectContaining({ rule: "gate/policy-escalation", verdict: "review" }),
    ]);
    expect(approved.summary).toMatch(/^## ✅ Change gate: pass/);
    const sarif = JSON.parse(await readFile(approved.outputs["sarif-file"] ?? "", "utf8"));
    expect(validate(sarif).valid).toBe(true);
    const evidence = JSON.parse(await readFile(approved.outputs["evidence-file"] ?? "", "utf8"));
    expect(evidence.inputs.sarif).toHaveLength(5);
    expect(evidence.approvals.reviews[0]).toMatchObject({ user: "sec-alice", counted: true });
  });
});
