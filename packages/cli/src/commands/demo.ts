import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { consoleIO, inputs, recordInputSource, which } from "@secflow/kit";
import { parse } from "../args.ts";
import { repoRoot } from "../repo-root.ts";
import { EXIT, type Terminal } from "../terminal.ts";
import type { ActionModule } from "./action.ts";
import { ACTIONS } from "./actions.ts";
import { lineStream } from "./line-stream.ts";

export const usage = `secflow demo [--output DIR]

Runs all four actions, with the same code as on a runner, on examples/demo-service as a
simulated pull request: a temporary git repository with a base commit (the service) and a head
commit (examples/demo-service-change: a new command injection, a vulnerable dependency and new
privileges). Prints the gate's decision and why, and writes the SARIF files, the policy diff,
the evidence JSON and the job summary into DIR (default: ./secflow-demo-output).
Ends with the security review flow report (DIR/flow-report/index.html) over six simulated weeks
of three teams' pull requests and this run's evidence.
Needs no network and no token; a scanner that is not installed is skipped with a hint.`;

const AUTHOR = ["-c", "user.name=Dana Developer", "-c", "user.email=dana@example.com"];

export async function demoCommand(args: string[], term: Terminal): Promise<number> {
  const { values } = parse(args, { output: { type: "string", short: "o" } }, false);
  if (values.help) {
    term.out(usage);
    return EXIT.ok;
  }
  const out = resolve(term.cwd, values.output ?? "secflow-demo-output");
  const examples = join(repoRoot(), "examples");
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });

  const repo = await mkdtemp(join(tmpdir(), "secflow-demo-"));
  try {
    const { base, head, event } = await simulatePullRequest(repo, examples, out);
    term.out(`demo repository: ${repo} (base ${base.slice(0, 7)}, head ${head.slice(0, 7)})`);
    const env: NodeJS.ProcessEnv = {
      ...term.env,
      GITHUB_WORKSPACE: repo,
      GITHUB_EVENT_PATH: event,
      GITHUB_EVENT_NAME: "pull_request",
    };
    const summary = join(out, "summary.md");
    const io = consoleIO({ stream: lineStream(term.err), summaryFile: summary, quiet: true });
    const runAction = async (name: keyof typeof ACTIONS, record: Record<string, string>) => {
      const action: ActionModule = await ACTIONS[name].load();
      const outcome = await action.run(
        action.readOptions(inputs(recordInputSource(record)), env) as never,
        io,
      );
      const outputs = Object.entries(io.outputs).map(([k, v]) => `${k}=${v}`);
      term.out(
        `\n${name}: ${outputs.filter((o) => !o.startsWith("sarif-file") && !o.startsWith("reasons")).join(", ")}`,
      );
      for (const key of Object.keys(io.outputs)) delete io.outputs[key];
      return outcome;
    };

    const tools = ["eslint"];
    for (const tool of ["bandit", "flawfinder"]) {
      if (await which(tool)) tools.push(tool);
      else
        term.out(
          `skipping ${tool}: not installed (Debian: apt-get install ${tool}; elsewhere: pipx install ${tool})`,
        );
    }
    await runAction("sast", {
      tools: tools.join(","),
      path: repo,
      output: join(out, "sast.sarif"),
    });
    await runAction("sca", {
      path: repo,
      "osv-db": join(examples, "osv-db"),
      output: join(out, "sca.sarif"),
    });
    await runAction("policy-diff", {
      path: repo,
      output: join(out, "policy-diff.sarif"),
      "diff-output": join(out, "policy-diff.json"),
    });
    // Every action takes the change (base, merge base, head) from the pull_request event.
    await runAction("gate", {
      path: repo,
      sarif: ["sast.sarif", "sca.sarif", "policy-diff.sarif"].map((f) => join(out, f)).join("\n"),
      "policy-diff": join(out, "policy-diff.json"),
      mode: "advise",
      output: join(out, "gate.sarif"),
      evidence: join(out, "evidence.json"),
    });

    const evidence = JSON.parse(await readFile(join(out, "evidence.json"), "utf8"));
    term.out(`\nGate decision: ${String(evidence.decision).toUpperCase()}`);
    for (const reason of evidence.reasons ?? []) term.out(`  - ${reason.message ?? JSON.stringify(reason)}`);
    term.out(
      `\nOutputs in ${relative(term.cwd, out) || "."}: ${["sast.sarif", "sca.sarif", "policy-diff.sarif", "policy-diff.json", "gate.sarif", "evidence.json", "summary.md"].join(", ")}`,
    );
    await flowReportDemo(out, term);
    return EXIT.ok;
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

/**
 * The security review Kanban (flow-report) over six simulated weeks of three teams' pull
 * requests, plus this demo's own gate run: flow-report/index.html in the output folder.
 */
async function flowReportDemo(out: string, term: Terminal): Promise<void> {
  const report = await import("@secflow/action-flow-report");
  const folder = await mkdtemp(join(tmpdir(), "secflow-demo-history-"));
  try {
    const now = new Date();
    const history = report.simulateHistory({
      teams: ["orders", "payments", "search"],
      repositoriesPerTeam: 3,
      weeks: 6,
      pullRequestsPerRepositoryWeek: 4,
      now,
    });
    await report.writeHistory(folder, history);
    await cp(join(out, "evidence.json"), join(folder, "demo-evidence.json"));
    const io = consoleIO({ stream: lineStream(term.err), quiet: true });
    const options = report.readOptions(
      inputs(
        recordInputSource({
          evidence: folder,
          database: join(folder, "flow-report.db.tar"),
          output: join(out, "flow-report"),
          now: now.toISOString(),
        }),
      ),
      { ...term.env, GITHUB_WORKSPACE: term.cwd },
    );
    await report.run(options, io);
    term.out(
      `\nFlow report over ${history.evidence.length} simulated gate runs of three teams: ${relative(term.cwd, join(out, "flow-report", "index.html"))} (no-touch share ${io.outputs["no-touch-percent"]} %, review wait p50 ${io.outputs["review-wait-p50-hours"]} h)`,
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** A real git repository: the service at the base commit, the change at the head commit. */
async function simulatePullRequest(repo: string, examples: string, out: string) {
  const git = (...args: string[]) =>
    execFileSync("git", [...AUTHOR, ...args], { cwd: repo, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  await cp(join(examples, "demo-service"), repo, { recursive: true });
  git("add", "-A");
  git("commit", "-q", "-m", "orders service 1.3.0");
  const base = git("rev-parse", "HEAD");
  git("checkout", "-q", "-b", "feature/bulk-export");
  const change = join(examples, "demo-service-change");
  await cp(change, repo, { recursive: true, filter: (src) => !src.endsWith("pull-request.json") });
  git("add", "-A");
  git("commit", "-q", "-m", "Add bulk export of a customer's orders");
  const head = git("rev-parse", "HEAD");

  // The pull_request event a runner would hand the actions, pointing at these commits.
  const event = JSON.parse(await readFile(join(change, "pull-request.json"), "utf8"));
  event.pull_request.base.sha = base;
  event.pull_request.head.sha = head;
  const eventFile = join(out, "event.json");
  await writeFile(eventFile, `${JSON.stringify(event, null, 2)}\n`);
  return { base, head, event: eventFile };
}
