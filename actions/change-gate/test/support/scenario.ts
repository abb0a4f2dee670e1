import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ConsoleIO, inputs, recordInputSource } from "@secflow/kit";
import { capturedIO, tempRepo as createRepo, type TempRepo as Repo } from "@secflow/kit/testing";
import type { Sarif } from "@secflow/sarif";
import { type Outcome, readOptions, run } from "../../src/run.ts";
import { type FakeGitHub, fakeGitHub } from "./github-server.ts";
import { type PullRequestEvent, pullRequestEvent } from "./webhooks.ts";

export const TOKEN = "ghs_testtoken0123456789abcdefABCDEF";

export function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The security team's policy, committed on the base branch. `expected` is the team's opt-out
 * from the fail-closed default (every category expected); `[]` by default, so tests that are not
 * about inputs need none. `null` leaves the key out: every category is expected.
 */
export function baseConfig(extra = "", options: { expected?: string | null } = {}): string {
  const expected = options.expected === undefined ? "[]" : options.expected;
  return `version: 1
team: payments
waivers:
  - rule: demo/waived-rule
    path: "src/**"
    reason: false positive in generated code
    approver: sec-alice
    expires: "${isoDay(30)}"
  - rule: demo/expired-rule
    reason: accepted until the library upgrade
    approver: sec-alice
    expires: "${isoDay(-1)}"
gate:
  approvers:
    users: [sec-alice]
    teams: [acme/security]
  sensitive-paths: ["src/auth/**"]
  documentation:
    when: risky
    sections: ["Rollback plan"]
  labels:
    security-reviewed: { effect: skip-review, applied-by: [sec-alice] }
    big-refactor: { effect: allow-large-batch }
    needs-security: { effect: require-review }
${expected === null ? "" : `  expected: ${expected}\n`}${extra}`;
}

export const ROLLBACK_BODY = "Adds a read grant.\n\n## Rollback plan\nRevert the merge commit.\n";

interface GateRun {
  outcome: Outcome;
  io: ConsoleIO;
  evidence: any;
  sarif: Sarif.Log;
  log: string;
}

export interface Scenario {
  repo: Repo;
  api: FakeGitHub;
  tmp: string;
  /** Writes a file under the temp folder (outside the repository) and returns its path. */
  file(name: string, content: string | object): Promise<string>;
  event(spec: PullRequestEvent): Promise<Record<string, string>>;
  gate(given: Record<string, string>, env?: Record<string, string>): Promise<GateRun>;
  /**
   * A checkout of `ref` as actions/checkout leaves it (full history, detached), in a folder of
   * its own: the workspace of a job that runs on the pull request.
   */
  checkout(ref: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function scenario(): Promise<Scenario> {
  const repo = await createRepo();
  const api = await fakeGitHub();
  const tmp = await mkdtemp(path.join(tmpdir(), "gate-inputs-"));
  return {
    repo,
    api,
    tmp,
    async file(name, content) {
      const file = path.join(tmp, name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, typeof content === "string" ? content : JSON.stringify(content));
      return file;
    },
    event: (spec) => pullRequestEvent(tmp, spec),
    async gate(given, env = {}) {
      const out = path.join(tmp, `out-${Math.random().toString(36).slice(2)}`);
      const { io, printed } = capturedIO();
      const record = {
        output: path.join(out, "gate.sarif"),
        evidence: path.join(out, "evidence.json"),
        ...given,
      };
      const options = readOptions(inputs(recordInputSource(record)), {
        GITHUB_WORKSPACE: repo.dir,
        GITHUB_API_URL: api.url,
        GITHUB_SERVER_URL: "https://github.example",
        ...env,
      });
      const outcome = await run(options, io);
      const evidence = JSON.parse(await readFile(options.evidence, "utf8"));
      const sarif = JSON.parse(await readFile(options.output, "utf8"));
      return { outcome, io, evidence, sarif, log: printed() };
    },
    async checkout(ref) {
      const dir = path.join(tmp, `checkout-${Math.random().toString(36).slice(2)}`);
      await repo.git("clone", "-q", "--no-checkout", repo.dir, dir);
      await repo.git("-C", dir, "checkout", "-q", "--detach", ref);
      return dir;
    },
    async cleanup() {
      await api.close();
      await repo.cleanup();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

export interface History {
  base: string;
  /** The first commit of the feature branch; approvals of it are of an older commit. */
  older: string;
  /** The feature branch's head: a small README change. */
  head: string;
}

/** main with the security team's configuration, and a small two-commit feature branch. */
export async function standardHistory(repo: Repo, config = baseConfig()): Promise<History> {
  const base = await repo.commit("base", {
    ".github/secflow.yml": config,
    "README.md": "# shop\n",
    "src/app.js": "export const app = 1;\n",
    "src/auth/login.js": "export function login() {}\n",
  });
  await repo.git("checkout", "-q", "-b", "feature");
  const older = await repo.commit("docs: first", { "README.md": "# shop\n\nA shop.\n" });
  const head = await repo.commit("docs: second", { "README.md": "# shop\n\nA small shop.\n" });
  await repo.git("checkout", "-q", "main");
  return { base, older, head };
}

/** A branch from `from` with one commit of the given files; returns its SHA. */
export async function branch(
  repo: Repo,
  name: string,
  from: string,
  files: Record<string, string | null>,
): Promise<string> {
  await repo.git("checkout", "-q", "-b", name, from);
  const sha = await repo.commit(name, files);
  await repo.git("checkout", "-q", "main");
  return sha;
}
