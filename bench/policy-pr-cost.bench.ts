/**
 * policy-diff on a pull request (issue #15): the 1,390 AWS managed policies that z0ph/MAMIP
 * records, as IAM policy documents, with one real MAMIP commit as the change (3 policies modified). Each
 * case runs the action's run() in a fresh node process under GNU time:
 *
 *   changed  policy-diff as it runs now: unchanged IAM policies are not read
 *   all      every policy file read and parsed at both commits, as before (`readAll`)
 *
 * and the diff files of the two must be the same (exit 1 otherwise). The repository is not
 * committed: point SECFLOW_MAMIP at a clone (or bare git directory) of z0ph/MAMIP.
 *
 *   git clone https://github.com/z0ph/MAMIP /tmp/mamip
 *   SECFLOW_MAMIP=/tmp/mamip node bench/run.mjs policy-pr-cost [--head 0e73edc201ed] [--runs 3]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { consoleIO, inputs, recordInputSource } from "@secflow/kit";
import { readOptions, run } from "../actions/policy-diff/src/run.ts";

const root = process.env.SECFLOW_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const data = join(root, "bench/.data/policy-pr-cost");
const repo = join(data, "repo");
const { values } = parseArgs({
  options: {
    head: { type: "string", default: "0e73edc201ed5aaf319441b717c6389643e37046" },
    runs: { type: "string", default: "3" },
    case: { type: "string" },
  },
});
const CASES = ["changed", "all"] as const;
type Case = (typeof CASES)[number];

if (values.case) await measureOne(values.case as Case);
else await main();

/** One case, in this process: run() on the two commits, the diff file written for the parent. */
async function measureOne(name: Case): Promise<void> {
  const { base, head } = JSON.parse(readFileSync(join(data, "commits.json"), "utf8"));
  const lines: string[] = [];
  const io = consoleIO({
    stream: { write: (t: string) => lines.push(t) > 0 } as unknown as NodeJS.WritableStream,
  });
  const options = readOptions(
    inputs(
      recordInputSource({
        base,
        head,
        path: repo,
        output: join(data, `${name}.sarif`),
        "diff-output": join(data, `${name}.json`),
      }),
    ),
    { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_WORKSPACE: repo },
  );
  await run({ ...options, ...(name === "all" ? { readAll: true } : {}) }, io);
  const read = lines.find((l) => l.includes("policy file"));
  if (read) writeFileSync(join(data, `${name}.read.txt`), read);
}

async function main(): Promise<void> {
  const source = process.env.SECFLOW_MAMIP;
  if (!source || !existsSync(source)) {
    console.log(
      "policy-pr-cost: skipped. Set SECFLOW_MAMIP to a clone of z0ph/MAMIP, e.g.\n" +
        "  git clone https://github.com/z0ph/MAMIP /tmp/mamip\n" +
        "  SECFLOW_MAMIP=/tmp/mamip node bench/run.mjs policy-pr-cost",
    );
    return;
  }
  const { base, head, files, changed } = prepare(source, values.head as string);
  writeFileSync(join(data, "commits.json"), JSON.stringify({ base, head }));
  const timing = join(data, "time.txt");
  const runs = Number(values.runs);
  const figures = Object.fromEntries(
    CASES.map((c) => [c, { wall: [] as number[], cpu: [] as number[], rss: [] as number[] }]),
  );
  for (let r = 0; r < runs; r++) {
    for (const name of CASES) {
      const child = spawnSync(
        "/usr/bin/time",
        ["-f", "%e %U %S %M", "-o", timing, process.execPath, process.argv[1] as string, "--case", name],
        { env: process.env, encoding: "utf8" },
      );
      if (child.status !== 0) throw new Error(`${name} failed (${child.status}):\n${child.stderr}`);
      const [wall = 0, user = 0, system = 0, rssKb = 0] =
        readFileSync(timing, "utf8").trim().split("\n").at(-1)?.split(" ").map(Number) ?? [];
      figures[name]?.wall.push(wall);
      figures[name]?.cpu.push(user + system);
      figures[name]?.rss.push(rssKb / 1024);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const all = figures.all as { wall: number[]; cpu: number[] };
  console.log(
    `\npolicy-pr-cost: ${files} IAM policy files, a ${changed.length}-file change (${changed.join(", ")}); runs: ${runs}; medians; load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}\n`,
  );
  console.log("| case | wall | CPU | peak RSS | wall / all | CPU / all |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const name of CASES) {
    const f = figures[name] as { wall: number[]; cpu: number[]; rss: number[] };
    console.log(
      `| ${name} | ${median(f.wall).toFixed(2)} s | ${median(f.cpu).toFixed(2)} s | ${median(f.rss).toFixed(0)} MB | ${(median(f.wall) / median(all.wall)).toFixed(3)} | ${(median(f.cpu) / median(all.cpu)).toFixed(3)} |`,
    );
  }
  for (const name of CASES)
    console.log(`${name}: ${readFileSync(join(data, `${name}.read.txt`), "utf8").trim()}`);
  // The same diff either way, apart from nothing: both runs compare the same two commits.
  const [changedDiff, allDiff] = CASES.map((c) => readFileSync(join(data, `${c}.json`), "utf8"));
  const changes = (JSON.parse(changedDiff as string) as { changes: unknown[] }).changes.length;
  if (changedDiff !== allDiff) {
    console.log("\nThe diff files differ: reading only what changed lost or added a change.");
    process.exit(1);
  }
  console.log(`\nDiff files identical (${changes} changes).`);
}

/**
 * A repository of MAMIP's policy documents (`policies/<name>` → `iam/<name>.json`, the
 * `PolicyVersion.Document`) at the parent of `head` and at `head`: two commits, rebuilt each run.
 */
function prepare(source: string, headRef: string) {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const sourceHead = git(source, "rev-parse", `${headRef}^{commit}`).trim();
  const sourceBase = git(source, "rev-parse", `${sourceHead}^`).trim();
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  const commit = (sha: string, message: string) => {
    const names = git(source, "ls-tree", "-r", "--name-only", sha, "--", "policies/")
      .split("\n")
      .filter(Boolean);
    // One cat-file for every blob of the commit.
    const batch = execFileSync("git", ["cat-file", "--batch"], {
      cwd: source,
      input: names.map((n) => `${sha}:${n}`).join("\n"),
      maxBuffer: 512 * 1024 * 1024,
    });
    rmSync(join(repo, "iam"), { recursive: true, force: true });
    mkdirSync(join(repo, "iam"), { recursive: true });
    let at = 0;
    for (const name of names) {
      const end = batch.indexOf(10, at);
      const [, type, size = "0"] = batch.subarray(at, end).toString().split(" ");
      if (type !== "blob") {
        at = end + 1; // "<name> missing": absent from this clone
        continue;
      }
      const text = batch.subarray(end + 1, end + 1 + Number(size)).toString("utf8");
      at = end + 1 + Number(size) + 1;
      // An empty or broken record is left out, at both commits alike.
      let document: unknown;
      try {
        document = (JSON.parse(text) as { PolicyVersion: { Document: unknown } }).PolicyVersion.Document;
      } catch {
        continue;
      }
      if (document === undefined) continue;
      const file = join(repo, "iam", `${name.slice("policies/".length)}.json`);
      writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
    }
    git(repo, "add", "-A");
    execFileSync("git", ["commit", "-q", "-m", message], {
      cwd: repo,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "bench",
        GIT_AUTHOR_EMAIL: "bench@example.com",
        GIT_COMMITTER_NAME: "bench",
        GIT_COMMITTER_EMAIL: "bench@example.com",
      },
    });
    return { sha: git(repo, "rev-parse", "HEAD").trim(), files: names.length };
  };
  const base = commit(sourceBase, `MAMIP ${sourceBase.slice(0, 12)}`);
  const head = commit(sourceHead, `MAMIP ${sourceHead.slice(0, 12)}`);
  const changed = git(repo, "diff", "--name-only", base.sha, head.sha).split("\n").filter(Boolean);
  return { base: base.sha, head: head.sha, files: head.files, changed };
}
