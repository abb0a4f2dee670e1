// Real evidence records: the change gate (the same code as `secflow gate`) run on real git
// repositories in temp folders, on real pull_request payloads from @octokit/webhooks-examples.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { readOptions, run } from "@secflow/action-change-gate";
import * as sast from "@secflow/action-sast";
import { consoleIO, inputs, recordInputSource } from "@secflow/kit";
import { type TempRepo, tempRepo, webhookExample } from "@secflow/kit/testing";

interface GatePullRequest {
  number: number;
  title: string;
  author: string;
  /** Files the pull request changes (null deletes one). */
  files: Record<string, string | null>;
  /** Runner variables (GITHUB_RUN_ID, GITHUB_REPOSITORY, …). */
  env?: Record<string, string>;
  /** Run secflow sast (ESLint) on the pull request first and give the gate its SARIF. */
  sast?: boolean;
}

/** One team's repository on which the gate runs: main carries the team's secflow.yml. */
export interface GateRepository {
  repo: TempRepo;
  /** Runs the gate on a pull request branched from main; returns the evidence record it wrote. */
  gate(pr: GatePullRequest): Promise<Record<string, any>>;
  cleanup(): Promise<void>;
}

/** A team's configuration: small batches, a sensitive folder, one waiver about to expire. */
export function teamConfig(team: string, waiverExpires: string): string {
  return `version: 1
team: ${team}
waivers:
  - rule: demo/waived-rule
    reason: false positive in generated code
    approver: sec-alice
    expires: "${waiverExpires}"
gate:
  expected: []
  batch:
    max-lines: 40
  sensitive-paths: ["src/auth/**"]
`;
}

/** The evidence of one gate run on a new repository of `config`, removed afterwards. */
export async function gateOnce(config: string, pr: GatePullRequest): Promise<Record<string, any>> {
  const repository = await gateRepository(config);
  try {
    return await repository.gate(pr);
  } finally {
    await repository.cleanup();
  }
}

export async function gateRepository(config: string): Promise<GateRepository> {
  const repo = await tempRepo("flow-report-gate-");
  const tmp = await mkdtemp(path.join(tmpdir(), "flow-report-evidence-"));
  const base = await repo.commit("base", {
    ".github/secflow.yml": config,
    "README.md": "# shop\n",
    "src/app.js": "export const app = 1;\n",
    "src/auth/login.js": "export function login() {}\n",
  });
  return {
    repo,
    async gate(pr) {
      await repo.git("checkout", "-q", "-b", `pr-${pr.number}`, base);
      const head = await repo.commit(pr.title, pr.files);
      await repo.git("checkout", "-q", "main");
      const payload = webhookExample("pull_request", "opened");
      payload.number = pr.number;
      Object.assign(payload.pull_request, { number: pr.number, title: pr.title, body: "" });
      payload.pull_request.user.login = pr.author;
      payload.pull_request.base.sha = base;
      payload.pull_request.head.sha = head;
      const eventFile = path.join(tmp, `event-${pr.number}.json`);
      await writeFile(eventFile, JSON.stringify(payload));
      const evidence = path.join(tmp, `evidence-${pr.number}.json`);
      const env = {
        GITHUB_WORKSPACE: repo.dir,
        GITHUB_EVENT_NAME: "pull_request",
        GITHUB_EVENT_PATH: eventFile,
        GITHUB_SERVER_URL: "https://github.com",
        ...pr.env,
      };
      const quiet = () => consoleIO({ stream: new Writable({ write: (_c, _e, done) => done() }) });
      const findings = path.join(tmp, `sast-${pr.number}.sarif`);
      if (pr.sast) {
        await repo.git("checkout", "-q", head);
        const options = sast.readOptions(
          inputs(recordInputSource({ path: repo.dir, tools: "eslint", output: findings })),
          env,
        );
        await sast.run(options, quiet());
        await repo.git("checkout", "-q", "main");
      }
      const record = {
        path: repo.dir,
        output: path.join(tmp, `gate-${pr.number}.sarif`),
        evidence,
        mode: "advise",
        ...(pr.sast ? { sarif: findings } : {}),
      };
      await run(readOptions(inputs(recordInputSource(record)), env), quiet());
      return JSON.parse(await readFile(evidence, "utf8"));
    },
    async cleanup() {
      await repo.cleanup();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
