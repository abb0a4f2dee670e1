/**
 * PR cost: what secflow sast costs on a pull request that changes 3 files of a real repository
 * of a few thousand files, against a full scan and the raw tool over the whole tree, measured in
 * one run, each case in a fresh Node process (as a workflow step runs it). It checks that the
 * pull request's new findings in changed scope are exactly those of a full `ref` scan.
 *
 *   SECFLOW_PR_COST_REPO=/path/to/a/clone node bench/run.mjs pr-cost [--tool eslint|bandit] [--runs 3]
 *     [--cases changed,full] [--reuse]
 *
 * --cases runs only those cases (changed and full at least, for the PR ratio); --reuse keeps the
 * clone and its change from an earlier run of the same tool instead of cloning again.
 *
 * The repository is not committed; any clone works (it is cloned again into bench/.data, and
 * the change made there). The figures in bench/README.md come from:
 *
 *   git clone https://github.com/eslint/eslint /tmp/eslint && git -C /tmp/eslint checkout c27bc926e
 *   SECFLOW_PR_COST_REPO=/tmp/eslint node bench/run.mjs pr-cost --tool eslint
 *
 * Cases:
 *   changed   sast, scope auto on a pull_request event: changed scope, baseline ref
 *   full-ref  sast, scope full, baseline ref on the same event: today's pull-request scan
 *   full      sast, scope full, no baseline (a workflow_dispatch run): one full scan
 *   raw-tree  the raw tool over the whole tree (ESLint's Node API with the rules sast bundles,
 *             or `bandit -r`), as a team without secflow would run it
 *   raw-same  the raw tool over exactly the files sast's full scan reads
 *   raw-linter (ESLint only) ESLint's Linter, as sast runs it, over those files: read each file
 *             and verify it with the bundled rules, nothing else. sast's own overhead is
 *             full / raw-linter.
 *   startup   starting node and loading sast, ESLint and the rest, doing nothing: part of every case
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = process.env.SECFLOW_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const { values } = parseArgs({
  options: {
    tool: { type: "string", default: "eslint" },
    runs: { type: "string", default: "1" },
    case: { type: "string" },
    cases: { type: "string" },
    reuse: { type: "boolean", default: false },
  },
});
const tool = values.tool === "bandit" ? "bandit" : "eslint";
// One folder per tool, so an ESLint and a Bandit clone can be kept side by side (--reuse).
const data = join(root, "bench/.data/pr-cost", tool);
const clone = join(data, "repo");
const outputs = join(data, "out");

type Case = "changed" | "full-ref" | "full" | "raw-tree" | "raw-same" | "raw-linter" | "startup";
const ALL_CASES: Case[] = ["changed", "full-ref", "full", "raw-tree", "raw-same", "raw-linter", "startup"];
const CASES: Case[] = values.cases
  ? ALL_CASES.filter((c) => values.cases?.split(",").includes(c))
  : ALL_CASES;

if (values.case) {
  await measureOne(values.case as Case);
} else {
  await main();
}

// ---- the parent: prepare, run each case in a fresh process, report ----------------------------

async function main(): Promise<void> {
  const source = process.env.SECFLOW_PR_COST_REPO;
  if (!source || !existsSync(join(source, ".git"))) {
    console.log(
      "pr-cost: skipped. Set SECFLOW_PR_COST_REPO to a git clone of a repository of a few thousand files, e.g.\n" +
        "  git clone https://github.com/eslint/eslint /tmp/eslint\n" +
        "  SECFLOW_PR_COST_REPO=/tmp/eslint node bench/run.mjs pr-cost --tool eslint\n" +
        "(or ansible/ansible with --tool bandit).",
    );
    return;
  }
  const saved = join(data, "change.json");
  const change: Change =
    values.reuse && existsSync(saved) ? JSON.parse(readFileSync(saved, "utf8")) : prepare(source);
  writeFileSync(saved, JSON.stringify(change));
  // Results of an earlier run must not stand in for a case this run leaves out.
  rmSync(outputs, { recursive: true, force: true });
  mkdirSync(outputs, { recursive: true });
  // The events are written once: reading the webhook examples is the benchmark's cost, not sast's.
  const { eventEnv } = await import("@secflow/kit/testing");
  const events = {
    pr: await eventEnv("pull_request", { base: change.base, head: change.head }, data),
    dispatch: await eventEnv("workflow_dispatch", {}, data),
  };
  writeFileSync(join(data, "events.json"), JSON.stringify(events));
  const runs = Number(values.runs);
  const empty = () => Object.fromEntries(ALL_CASES.map((c) => [c, [] as number[]])) as Record<Case, number[]>;
  const [wall, cpu, memory] = [empty(), empty(), empty()];
  // GNU time: wall time, CPU time of the process and the git and tool processes it waited for,
  // and peak resident memory. The CPU time is the steadier figure on a shared machine.
  const timing = join(data, "time.txt");
  for (let r = 0; r < runs; r++) {
    for (const name of CASES) {
      const child = spawnSync(
        "/usr/bin/time",
        [
          "-f",
          "%e %U %S %M",
          "-o",
          timing,
          process.execPath,
          process.argv[1] as string,
          "--tool",
          tool,
          "--case",
          name,
        ],
        { env: process.env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      );
      if (child.status !== 0) throw new Error(`${name} failed (${child.status}):\n${child.stderr}`);
      const [elapsed = 0, user = 0, system = 0, rssKb = 0] =
        readFileSync(timing, "utf8").trim().split("\n").at(-1)?.split(" ").map(Number) ?? [];
      wall[name].push(elapsed);
      cpu[name].push(user + system);
      memory[name].push(rssKb / 1024);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const ratio = (x: number, of: number) => (Number.isNaN(x / of) ? "–" : (x / of).toFixed(3));
  console.log(
    `\npr-cost: ${tool} on ${change.repo} (${change.files} tracked files, ${change.scanned} read by a full sast scan), a ${change.changed.length}-file change: ${change.changed.join(", ")}`,
  );
  console.log(
    `runs: ${runs}; medians; each case a fresh node process; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}; ${new Date().toISOString()}\n`,
  );
  const reference = tool === "eslint" ? "raw-linter" : "raw-same";
  console.log(
    `| case | wall | CPU | peak RSS | wall / full | CPU / full | wall / ${reference} | CPU / ${reference} |`,
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const name of CASES) {
    if (tool !== "eslint" && name === "raw-linter") continue;
    const [w, c] = [median(wall[name]), median(cpu[name])];
    console.log(
      `| ${name} | ${w.toFixed(2)} s | ${c.toFixed(2)} s | ${median(memory[name]).toFixed(0)} MB | ${ratio(w, median(wall.full))} | ${ratio(c, median(cpu.full))} | ${ratio(w, median(wall[reference]))} | ${ratio(c, median(cpu[reference]))} |`,
    );
  }
  let same = true;
  if (CASES.includes("changed") && CASES.includes("full-ref")) {
    const changedNew = newFindings(join(outputs, "changed.sarif"));
    const refNew = newFindings(join(outputs, "full-ref.sarif"));
    same = changedNew.size === refNew.size && [...changedNew].every((f) => refNew.has(f));
    console.log(
      `\nnew findings: changed scope ${changedNew.size}, full ref ${refNew.size}: ${same ? "identical" : "DIFFERENT"}`,
    );
  } else console.log("\nnew findings: not compared (the changed and full-ref cases did not both run)");
  if (CASES.includes("changed"))
    console.log(`changed scope ran: ${JSON.stringify(scopeOf(join(outputs, "changed.sarif")))}`);
  const pr = median(cpu.changed) / median(cpu.full);
  const prWall = median(wall.changed) / median(wall.full);
  const own = median(cpu.full) / median(cpu[reference]);
  const ownWall = median(wall.full) / median(wall[reference]);
  const verdict = (x: number, target: number) => (x <= target ? "met" : "not met");
  if (!Number.isNaN(pr))
    console.log(
      `targets: PR scan ≤ 0.15× a full scan: CPU ${pr.toFixed(3)}× (${verdict(pr, 0.15)}), wall ${prWall.toFixed(3)}× (${verdict(prWall, 0.15)})`,
    );
  if (!Number.isNaN(own))
    console.log(
      `         sast full ≤ 1.15× the raw tool on the same files (${reference}): CPU ${own.toFixed(3)}× (${verdict(own, 1.15)}), wall ${ownWall.toFixed(3)}× (${verdict(ownWall, 1.15)})`,
    );
  if (!same) process.exitCode = 1;
}

interface Change {
  repo: string;
  files: number;
  scanned: number;
  changed: string[];
  base: string;
  head: string;
}

/** A fresh clone with a 3-file pull request: one file edited with a new finding, one renamed, one added. */
function prepare(source: string): Change {
  rmSync(data, { recursive: true, force: true });
  mkdirSync(outputs, { recursive: true });
  execFileSync("git", ["clone", "-q", source, clone]);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Bench", "-c", "user.email=bench@example.com", ...args], {
      cwd: clone,
      maxBuffer: 256 * 1024 * 1024,
    })
      .toString()
      .trim();
  const base = git("rev-parse", "HEAD");
  const tracked = git("ls-files").split("\n");
  const extension = tool === "eslint" ? /\.(js|mjs|cjs)$/ : /\.py$/;
  const candidates = tracked.filter(
    (f) => extension.test(f) && !/(^|\/)(tests?|docs?|fixtures?|vendor|node_modules)\//.test(f),
  );
  if (candidates.length < 2) throw new Error(`no ${tool} files to change in ${source}`);
  const edited = candidates[Math.floor(candidates.length / 3)] as string;
  const renamed = candidates[Math.floor((2 * candidates.length) / 3)] as string;
  const added = join(dirname(edited), tool === "eslint" ? "pr-cost-added.js" : "pr_cost_added.py");
  const newName = renamed.replace(/(\.\w+)$/, "-renamed$1").replace(/-renamed\.py$/, "_renamed.py");
  const finding =
    tool === "eslint"
      ? { edit: "\neval(process.argv[2]);\n", add: 'require("child_process").exec(process.argv[2]);\n' }
      : {
          edit: "\n\ndef pr_cost(cmd):\n    return eval(cmd)\n",
          add: "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n",
        };
  git("checkout", "-q", "-b", "pr");
  appendFileSync(join(clone, edited), finding.edit);
  git("mv", renamed, newName);
  writeFileSync(join(clone, added), finding.add);
  git("add", "-A");
  git("commit", "-q", "-m", "a 3-file change");
  const head = git("rev-parse", "HEAD");
  return {
    repo: source,
    files: tracked.length,
    scanned: Number(
      execFileSync(process.execPath, [process.argv[1] as string, "--tool", tool, "--case", "raw-same"], {
        env: { ...process.env, PR_COST_COUNT_ONLY: "1" },
      })
        .toString()
        .trim(),
    ),
    changed: [`${edited} (edited)`, `${renamed} → ${newName} (renamed)`, `${added} (added)`],
    base,
    head,
  };
}

function newFindings(file: string): Set<string> {
  const log = JSON.parse(readFileSync(file, "utf8")) as { runs: { results?: Record<string, any>[] }[] };
  const prints = new Set<string>();
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      const state = result.baselineState;
      const suppressed = (result.suppressions ?? []).some(
        (s: { status?: string }) => s.status !== "underReview",
      );
      if ((state === "new" || state === undefined) && !suppressed)
        prints.add(`${result.ruleId} ${result.partialFingerprints?.["secflow/v1"]}`);
    }
  }
  return prints;
}

function scopeOf(file: string): unknown {
  const log = JSON.parse(readFileSync(file, "utf8")) as {
    runs: { properties?: { secflow?: Record<string, unknown> } }[];
  };
  return log.runs.map((run) => {
    const { scope, scannedFiles, scopeFiles } = run.properties?.secflow ?? {};
    return { scope, scannedFiles, scopeFiles };
  });
}

// ---- a child: one case ----------------------------------------------------------------------

async function measureOne(name: Case): Promise<void> {
  if (name === "raw-tree") await rawTree();
  else if (name === "raw-same") await rawSame();
  else if (name === "raw-linter") await rawLinter();
  else if (name === "startup") await import("@secflow/action-sast");
  else await sast(name);
}

async function sast(name: Case): Promise<void> {
  const { consoleIO, inputs, recordInputSource } = await import("@secflow/kit");
  const { readOptions, run } = await import("@secflow/action-sast");
  const events = JSON.parse(readFileSync(join(data, "events.json"), "utf8"));
  const event = name === "full" ? events.dispatch : events.pr;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_WORKSPACE: clone, ...event };
  const given: Record<string, string> = {
    tools: tool,
    output: join(outputs, `${name}.sarif`),
    "on-unchecked": "warn",
    ...(name === "changed" ? {} : { scope: "full" }),
    ...(name === "full-ref" ? { baseline: "ref" } : {}),
  };
  const log = new PassThrough();
  const lines: string[] = [];
  log.on("data", (chunk: Buffer) => lines.push(`${performance.now().toFixed(0).padStart(6)} ms  ${chunk}`));
  lines.push(`${performance.now().toFixed(0).padStart(6)} ms  (run starts)\n`);
  await run(readOptions(inputs(recordInputSource(given)), env), consoleIO({ stream: log }));
  lines.push(`${performance.now().toFixed(0).padStart(6)} ms  (run ends)\n`);
  writeFileSync(join(outputs, `${name}.log`), lines.join(""));
}

/** The files a full sast scan reads with this tool (its listing and classification). */
async function sastFiles(): Promise<string[]> {
  const { readConfig, resolveWorkspace } = await import("@secflow/kit");
  const { listFiles } = await import("../actions/sast/src/checkout-scan.ts");
  const { tuningOf } = await import("../actions/sast/src/tuning.ts");
  const { TOOL_SPECS } = await import("../actions/sast/src/tool-registry.ts");
  const workspace = await resolveWorkspace(clone, { GITHUB_WORKSPACE: clone });
  const { config } = await readConfig({ root: workspace.root });
  const listed = await listFiles(workspace, tuningOf(config), {
    include: new Set(config.sast?.include ?? []),
    attributesRoot: workspace.root,
  });
  return listed.files.filter(TOOL_SPECS[tool].handles);
}

async function rawSame(): Promise<void> {
  const files = await sastFiles();
  if (process.env.PR_COST_COUNT_ONLY) {
    console.log(files.length);
    process.exit(0);
  }
  if (tool === "eslint") await rawEslint(files);
  else rawBandit(files);
}

async function rawTree(): Promise<void> {
  if (tool === "eslint") await rawEslint(["."]);
  else rawBandit(["."], ["-r"]);
}

/** ESLint's own Node API with exactly the rules sast bundles (eslint-plugin-security's recommended). */
async function rawEslint(patterns: string[]): Promise<void> {
  const { ESLint } = await import("eslint");
  const security = (await import("eslint-plugin-security")).default;
  const globals = (await import("globals")).default;
  const eslint = new ESLint({
    cwd: clone,
    overrideConfigFile: true,
    errorOnUnmatchedPattern: false,
    overrideConfig: [
      {
        files: ["**/*.[jJ][sS]", "**/*.[mM][jJ][sS]", "**/*.[cC][jJ][sS]", "**/*.[jJ][sS][xX]"],
        plugins: { security },
        languageOptions: {
          ecmaVersion: "latest",
          sourceType: "module",
          globals: { ...globals.node, ...globals.browser },
          parserOptions: { ecmaFeatures: { jsx: true } },
        },
        linterOptions: { reportUnusedDisableDirectives: "off" },
        rules: security.configs.recommended.rules,
      },
    ],
  });
  const results = await eslint.lintFiles(patterns);
  const count = results.reduce((n, r) => n + r.messages.length, 0);
  writeFileSync(join(outputs, `raw-${patterns.length === 1 ? "tree" : "same"}.count`), `${count}\n`);
}

/** The floor of what sast does with ESLint: read each file, verify it (module, else CommonJS). */
async function rawLinter(): Promise<void> {
  if (tool !== "eslint") return;
  const files = await sastFiles();
  const { Linter } = await import("eslint/universal");
  const security = (await import("eslint-plugin-security")).default;
  const globals = (await import("globals")).default;
  const config = (sourceType: "module" | "commonjs") => [
    {
      files: ["**/*.[jJ][sS]", "**/*.[mM][jJ][sS]", "**/*.[cC][jJ][sS]", "**/*.[jJ][sS][xX]"],
      plugins: { security },
      languageOptions: {
        ecmaVersion: "latest" as const,
        sourceType,
        globals: { ...globals.node, ...globals.browser },
        parserOptions: { ecmaFeatures: { jsx: true } },
      },
      linterOptions: { reportUnusedDisableDirectives: "off" as const },
      rules: security.configs.recommended.rules,
    },
  ];
  const [module, commonjs] = [config("module"), config("commonjs")];
  const linter = new Linter({ configType: "flat", cwd: clone });
  let count = 0;
  for (const file of files) {
    const text = readFileSync(join(clone, file), "utf8");
    let messages = linter.verify(text, /\.cjs$/i.test(file) ? commonjs : module, { filename: file });
    if (messages.some((m) => m.fatal)) messages = linter.verify(text, commonjs, { filename: file });
    count += messages.length;
  }
  writeFileSync(join(outputs, "raw-linter.count"), `${count}\n`);
}

function rawBandit(targets: string[], extra: string[] = []): void {
  // Exit 1 means "found something".
  spawnSync(
    "bandit",
    ["-f", "json", "-q", ...extra, "-o", join(outputs, "raw-bandit.json"), "--", ...targets],
    {
      cwd: clone,
      maxBuffer: 256 * 1024 * 1024,
    },
  );
}
