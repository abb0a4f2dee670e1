/**
 * Gate cold start: wall time of the bundled actions/change-gate/dist/index.js, run as the runner
 * runs it (a fresh `node` process, INPUT_* variables, a pull_request event, a real git checkout)
 * on 5 small SARIF files and a policy diff, against `node -e 0` as the floor. Prints medians, the ratio and the
 * bundle size, with the targets (under 300 ms, bundle under 2 MB).
 *
 *   node bench/run.mjs gate-cold-start [--runs 15] [--without-config]
 *
 * --without-config leaves .github/secflow.yml out of the base commit, which shows what compiling
 * the configuration's JSON Schema (in @secflow/kit, at every start) costs.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

// This script runs from bench/.data/build/ (see bench/run.mjs).
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bundle = join(root, "actions/change-gate/dist/index.js");
const data = join(root, "bench/.data/gate-cold-start");
const { values } = parseArgs({
  options: { runs: { type: "string", default: "15" }, "without-config": { type: "boolean", default: false } },
});
const runs = Number(values.runs);
if (!existsSync(bundle)) throw new Error(`${bundle} is missing: npm run bundle -w actions/change-gate`);

// ---- a pull request to judge --------------------------------------------------------------

rmSync(data, { recursive: true, force: true });
const repo = join(data, "repo");
mkdirSync(join(repo, ".github"), { recursive: true });
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Bench", "-c", "user.email=bench@example.com", ...args], {
    cwd: repo,
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  })
    .toString()
    .trim();
git("init", "-q", "-b", "main");
if (!values["without-config"]) {
  writeFileSync(join(repo, ".github/secflow.yml"), 'version: 1\ngate:\n  sensitive-paths: ["src/auth/**"]\n');
}
writeFileSync(join(repo, "app.js"), "export const a = 1;\n");
git("add", "-A");
git("commit", "-q", "-m", "base");
const base = git("rev-parse", "HEAD");
writeFileSync(join(repo, "app.js"), "export const a = 2;\n");
git("commit", "-q", "-am", "head");
const head = git("rev-parse", "HEAD");

// Written out in full rather than with @secflow/sarif, so this script needs no third-party code
// at run time; the gate fails unless each file passes the profile, so a typo here would show.
const sarifDir = join(data, "sarif");
for (let i = 0; i < 5; i++) {
  const action = i % 2 ? "sca" : "sast";
  const rules = Array.from({ length: 10 }, (_, r) => ({
    id: `rule-${r}`,
    name: `Rule${r}`,
    shortDescription: { text: `Rule ${r}` },
    fullDescription: { text: `Rule ${r}` },
    help: { text: `Rule ${r}`, markdown: `Rule ${r}` },
    properties: { tags: ["security"], "security-severity": "5.5" },
  }));
  const results = rules.map((rule, r) => ({
    ruleId: rule.id,
    ruleIndex: r,
    level: "warning",
    message: { text: `finding ${r}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: "app.js", uriBaseId: "%SRCROOT%" },
          region: { startLine: 1 },
        },
      },
    ],
    partialFingerprints: { "secflow/v1": `${"0123456789abcdef".repeat(2)}:${r + 1}` },
    baselineState: "unchanged",
    properties: { secflow: { severity: "medium", category: action } },
  }));
  const log = {
    $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: { name: `Tool${i}`, version: "1.0.0", informationUri: "https://example.com", rules },
        },
        automationDetails: { id: `secflow/${action}/tool${i}/` },
        originalUriBaseIds: { "%SRCROOT%": {} },
        results,
        properties: { secflow: { profileVersion: 1, action, actionVersion: "0.1.0", mode: "diff" } },
      },
    ],
  };
  mkdirSync(join(sarifDir, `job-${i}`), { recursive: true });
  writeFileSync(join(sarifDir, `job-${i}`, "results.sarif"), JSON.stringify(log));
}

const diffFile = join(data, "policy-diff.json");
writeFileSync(
  diffFile,
  JSON.stringify({
    version: 1,
    base,
    head,
    unreadable: [],
    changes: [
      {
        kind: "removed",
        class: "reduction",
        severity: "low",
        source: "workflow",
        subject: "job build",
        permission: "contents: write",
        resource: "repository",
        effect: "allow",
        file: ".github/workflows/ci.yml",
        line: 5,
        side: "base",
        ruleId: "policy/workflow-permission",
        sensitive: false,
      },
    ],
    counts: { escalations: 0, widenings: 0, neutral: 0, reductions: 1 },
  }),
);

const require = createRequire(join(root, "package.json"));
const examples = JSON.parse(readFileSync(require.resolve("@octokit/webhooks-examples"), "utf8")) as {
  name: string;
  examples: any[];
}[];
const payload = examples.find((e) => e.name === "pull_request")?.examples.find((e) => e.action === "opened");
payload.pull_request.base.sha = base;
payload.pull_request.head.sha = head;
const eventFile = join(data, "event.json");
writeFileSync(eventFile, JSON.stringify(payload));

// ---- measurement --------------------------------------------------------------------------

function wallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, cwd: repo, stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const out = join(data, "out");
mkdirSync(out, { recursive: true });
const actionEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GITHUB_ACTIONS: "true",
  GITHUB_WORKSPACE: repo,
  GITHUB_EVENT_NAME: "pull_request",
  GITHUB_EVENT_PATH: eventFile,
  GITHUB_OUTPUT: join(out, "output"),
  GITHUB_STEP_SUMMARY: join(out, "summary.md"),
  INPUT_SARIF: sarifDir,
  "INPUT_POLICY-DIFF": diffFile,
  INPUT_EXPECTED: "sast,sca,policy",
  INPUT_OUTPUT: join(out, "gate.sarif"),
  INPUT_EVIDENCE: join(out, "evidence.json"),
  INPUT_MODE: "enforce",
};
for (const f of ["output", "summary.md"]) writeFileSync(join(out, f), "");

const floor: number[] = [];
const gate: number[] = [];
wallMs(["-e", "0"], actionEnv); // warm the file cache for both
wallMs([bundle], actionEnv);
for (let i = 0; i < runs; i++) {
  floor.push(wallMs(["-e", "0"], actionEnv));
  gate.push(wallMs([bundle], actionEnv));
}
const decision = /decision<<\S+\n(\w+)/.exec(readFileSync(join(out, "output"), "utf8"))?.[1];
const [f, g] = [median(floor), median(gate)];
const bytes = statSync(bundle).size;
const mib = bytes / 1048576;
console.log(
  `runs: ${runs}, 5 SARIF files of 10 results and a policy diff, ${values["without-config"] ? "no" : "a"} configuration file, decision: ${decision}`,
);
console.log(`node -e 0                          median ${f.toFixed(0)} ms`);
console.log(
  `change-gate dist/index.js          median ${g.toFixed(0)} ms  (min ${Math.min(...gate).toFixed(0)} ms)`,
);
console.log(`ratio gate / node -e 0             ${(g / f).toFixed(1)}x`);
console.log(`gate above the floor               ${(g - f).toFixed(0)} ms`);
console.log(`target under 300 ms                ${g < 300 ? "met" : "NOT met"}`);
console.log(
  `bundle                             ${bytes} bytes = ${mib.toFixed(2)} MiB (target under 2 MiB: ${mib < 2 ? "met" : "NOT met"})`,
);
