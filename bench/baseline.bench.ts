/**
 * Baseline benchmark: secflow's `secflow baseline` against Microsoft's SARIF Multitool
 * `match-results-forward` on one generated log pair, with bare JSON.parse + JSON.stringify of the
 * same bytes as the floor. Prints wall time, peak memory and classification accuracy for each.
 *
 *   node bench/run.mjs baseline [--results 100000] [--skip-multitool]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { RunBuilder, type Sarif, sarifLog } from "@secflow/sarif";
import { type Measure, measure as measureIn } from "./gnu-time.ts";
import { prng } from "./prng.ts";

const root = process.env.SECFLOW_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), "..");
const data = join(root, "bench/.data/baseline");
const { values } = parseArgs({
  options: { results: { type: "string", default: "100000" }, "skip-multitool": { type: "boolean" } },
});
const target = Number(values.results);

// ---- generation ---------------------------------------------------------------------------

const random = prng(20261122);
const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

interface Finding {
  ruleId: string;
  line: number;
  code: string;
  message: string;
  withSnippet: boolean;
  id: string;
}

const RULES = Array.from(
  { length: 40 },
  (_, i) => `rule/${["eval", "exec", "sql", "path", "regex", "xss", "crypto", "deser"][i % 8]}-${i}`,
);
let serial = 0;
function freshFinding(line: number): Finding {
  const n = serial++;
  const ruleId = pick(RULES);
  const verb = ruleId.split("/")[1]?.split("-")[0];
  return {
    ruleId,
    line,
    code: `const v${n} = ${verb}(input${n % 997}, options${n});`,
    message: `Possible ${verb} with user input reaching v${n}`,
    withSnippet: random() >= 1 / 3, // a third of the findings carry no snippet
    id: `f${n}`,
  };
}

interface Pair {
  base: Map<string, Finding[]>;
  head: Map<string, (Finding & { truth: "new" | "existing" })[]>;
}

function generate(total: number): Pair {
  const perFile = 50;
  const base = new Map<string, Finding[]>();
  const head = new Map<string, (Finding & { truth: "new" | "existing" })[]>();
  for (let f = 0; f < Math.ceil(total / perFile); f++) {
    const path = `src/module-${Math.floor(f / 50)}/file-${f}.js`;
    const findings: Finding[] = [];
    let line = 1;
    for (let i = 0; i < perFile; i++) {
      line += between(1, 20);
      // Some identical findings repeat within a file already at the base.
      const twin = findings.length > 0 && random() < 0.05 ? pick(findings) : undefined;
      findings.push(twin ? { ...twin, line, id: `f${serial++}` } : freshFinding(line));
    }
    base.set(path, findings);

    const next: (Finding & { truth: "new" | "existing" })[] = [];
    let shift = 0;
    for (const finding of findings) {
      if (random() < 0.04) shift += between(1, 30); // code inserted above
      if (random() < 0.02) {
        // A new finding: fresh code, or a copy of existing code elsewhere in the same file.
        shift += 1;
        const copy = random() < 0.5 ? pick(findings) : undefined;
        const added = copy ? { ...copy, id: `f${serial++}` } : freshFinding(0);
        next.push({ ...added, line: finding.line + shift - 1, truth: "new" });
      }
      if (random() < 0.03) continue; // fixed: the finding is gone from the head
      next.push({ ...finding, line: finding.line + shift, truth: "existing" });
    }
    head.set(path, next);
  }
  return { base, head };
}

function toLog(files: Map<string, (Finding & { truth?: string })[]>): Sarif.Log {
  const run = new RunBuilder({
    action: "sast",
    actionVersion: "0.0.0",
    tool: { name: "BenchTool", version: "1.0.0", informationUri: "https://example.com/bench" },
    mode: "full",
  });
  for (const [path, findings] of files) {
    for (const f of findings) {
      run.rule({ id: f.ruleId, shortDescription: `Rule ${f.ruleId}`, severity: "medium", cwe: [94] });
      run.result({
        ruleId: f.ruleId,
        message: f.message,
        path,
        startLine: f.line,
        ...(f.withSnippet ? { snippet: f.code } : {}),
        category: "sast",
        properties: { bench: f.truth ? { id: f.id, truth: f.truth } : { id: f.id } },
      });
    }
  }
  return sarifLog([run.build()]);
}

// ---- measurement --------------------------------------------------------------------------

type Measured = Measure & { accuracy?: number };
const measure = (name: string, command: string, args: string[]): Measured =>
  measureIn(data, name, command, args);

/** Share of head results whose new / not-new classification matches the generator's truth. */
function accuracy(file: string): number {
  const log = JSON.parse(readFileSync(file, "utf8")) as Sarif.Log;
  let correct = 0;
  let total = 0;
  for (const run of log.runs) {
    for (const r of run.results ?? []) {
      if (r.baselineState === "absent") continue;
      const truth = (r.properties as { secflow?: { bench?: { truth?: string } } })?.secflow?.bench?.truth;
      if (!truth) continue;
      total++;
      if ((r.baselineState === "new") === (truth === "new")) correct++;
    }
  }
  return total === 0 ? 0 : correct / total;
}

mkdirSync(data, { recursive: true });
const baseFile = join(data, `base-${target}.sarif`);
const headFile = join(data, `head-${target}.sarif`);
if (!existsSync(baseFile) || !existsSync(headFile)) {
  const pair = generate(target);
  writeFileSync(baseFile, JSON.stringify(toLog(pair.base)));
  writeFileSync(headFile, JSON.stringify(toLog(pair.head)));
}
const headLog = JSON.parse(readFileSync(headFile, "utf8")) as Sarif.Log;
const headResults = headLog.runs[0]?.results ?? [];
const newCount = headResults.filter((r) => (r.properties as any).secflow.bench.truth === "new").length;
console.log(
  `pair: ${headResults.length} head results (${newCount} new), files ${(statSync(baseFile).size / 1e6).toFixed(0)} MB + ${(statSync(headFile).size / 1e6).toFixed(0)} MB`,
);

const cli = join(root, "packages/cli/bin/secflow.js");
if (!existsSync(join(root, "packages/cli/dist/secflow.js")))
  execFileSync("npm", ["run", "build", "-w", "packages/cli"], { cwd: root });
const floorScript = join(data, "parse-stringify.mjs");
writeFileSync(
  floorScript,
  `import { readFileSync } from "node:fs";\nfor (const f of process.argv.slice(2)) JSON.stringify(JSON.parse(readFileSync(f, "utf8")));\n`,
);

const results: Measured[] = [];
results.push(measure("JSON.parse + JSON.stringify", process.execPath, [floorScript, baseFile, headFile]));
const ours = join(data, "secflow-out.sarif");
results.push({
  ...measure("secflow baseline", process.execPath, [
    cli,
    "baseline",
    "--base",
    baseFile,
    "--head",
    headFile,
    "--output",
    ours,
  ]),
  accuracy: accuracy(ours),
});
if (!values["skip-multitool"]) {
  const multitool = join(root, "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
  const theirs = join(data, "multitool-out.sarif");
  rmSync(theirs, { force: true }); // the Multitool refuses to overwrite
  results.push({
    ...measure("SARIF Multitool match-results-forward", multitool, [
      "match-results-forward",
      "--previous",
      baseFile,
      "--output-file-path",
      theirs,
      headFile,
    ]),
    accuracy: accuracy(theirs),
  });
}

console.log("");
console.log("| tool | wall time | peak memory | accuracy |");
console.log("|---|---:|---:|---:|");
for (const m of results) {
  console.log(
    `| ${m.name} | ${m.seconds.toFixed(2)} s | ${m.peakMB.toFixed(0)} MB | ${m.accuracy === undefined ? "—" : `${(m.accuracy * 100).toFixed(2)}%`} |`,
  );
}
const [floor, secflow, multitool] = results as [Measured, Measured, Measured | undefined];
console.log("");
console.log(
  `secflow / parse+stringify time: ${(secflow.seconds / floor.seconds).toFixed(2)}x (target ≤ 1.5x)`,
);
if (multitool) {
  console.log(
    `Multitool / secflow time: ${(multitool.seconds / secflow.seconds).toFixed(1)}x faster (target ≥ 10x)`,
  );
  console.log(
    `secflow / Multitool peak memory: ${(secflow.peakMB / multitool.peakMB).toFixed(2)} (target < 0.5)`,
  );
  console.log(
    `accuracy: secflow ${((secflow.accuracy ?? 0) * 100).toFixed(3)}% vs Multitool ${((multitool.accuracy ?? 0) * 100).toFixed(3)}% (target: at least as good)`,
  );
}
