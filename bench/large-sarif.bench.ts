/**
 * Large SARIF: `secflow validate`, `merge`, `baseline` and the change gate's reader on one
 * generated secflow log of `--mb` megabytes, against a bare `JSON.parse` of the same bytes
 * (measured in the same run, while the file is under V8's 512 MiB string limit). Prints wall time
 * and peak resident memory of each, as fresh processes under GNU time.
 *
 *   node bench/run.mjs large-sarif [--mb 300]       the gate target: ≤ 1.5× JSON.parse, ≤ 300 MB
 *   node bench/run.mjs large-sarif --mb 2048        the 2 GB case (no JSON.parse can read it)
 */
import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readSarifInputs } from "../actions/change-gate/src/sarif-inputs.ts";
import { type Measure, measure as measureIn } from "./gnu-time.ts";

const here = fileURLToPath(import.meta.url);
const root = process.env.SECFLOW_ROOT ?? resolve(dirname(here), "..");
const HEAD = "0123456789abcdef0123456789abcdef01234567";
const data = join(root, "bench/.data/large-sarif");
const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "300" },
    "read-gate": { type: "string" },
    parse: { type: "string" },
  },
});

// ---- child modes: what the parent measures ------------------------------------------------

if (values.parse) {
  const log = JSON.parse(readFileSync(values.parse).toString("utf8"));
  process.stdout.write(`${log.runs[0].results.length}\n`);
  process.exit(0);
}
if (values["read-gate"]) {
  const inputs = await readSarifInputs([values["read-gate"]], {
    workspace: dirname(values["read-gate"]),
    revisions: [HEAD],
    committed: new Map(),
  });
  if (inputs.problems.length) throw new Error(inputs.problems.map((p) => p.message).join("\n"));
  process.stdout.write(`${inputs.runs[0]?.newResults.length} new\n`);
  process.exit(0);
}

// ---- generation -----------------------------------------------------------------------------

/** A secflow sast log of about `mb` MB, one run per 25,000 results (GitHub's limit per run). */
async function generate(file: string, mb: number): Promise<number> {
  const out = createWriteStream(file);
  const put = async (text: string) => {
    if (!out.write(text)) await new Promise<void>((r) => out.once("drain", () => r()));
  };
  const rules = Array.from({ length: 40 }, (_, i) => ({
    id: `rule/r${i}`,
    name: `R${i}`,
    shortDescription: { text: `Rule ${i}` },
    fullDescription: { text: `Rule ${i}, in full` },
    help: { text: "Fix it.", markdown: "Fix it." },
    properties: { "security-severity": "7.5", tags: ["security"] },
  }));
  const runHead = (r: number) =>
    `${r ? "," : ""}{"tool":{"driver":{"name":"ESLint","version":"9.39.5","informationUri":"https://eslint.org","rules":${JSON.stringify(rules)}}},"automationDetails":{"id":"secflow/sast/part${r}/"},"originalUriBaseIds":{"%SRCROOT%":{"uri":"file:///repo/"}},"versionControlProvenance":[{"repositoryUri":"https://github.com/acme/shop","revisionId":"${HEAD}"}],"results":[`;
  const runTail = `],"properties":{"secflow":{"profileVersion":1,"action":"sast","actionVersion":"2.0.0","mode":"diff","headRef":"${HEAD}"}}}`;
  await put(
    '{"$schema":"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json","version":"2.1.0","runs":[',
  );
  let bytes = 0;
  let n = 0;
  // GitHub takes 20 runs of 25,000 results: larger logs have larger results (code flows do that).
  const padding = "x".repeat(Math.max(0, Math.ceil((mb * 1048576) / 480_000) - 560));
  for (let run = 0; bytes < mb * 1048576; run++) {
    await put(runHead(run));
    for (let i = 0; i < 25_000 && bytes < mb * 1048576; i++, n++) {
      const rule = n % 40;
      const result = {
        ruleId: `rule/r${rule}`,
        ruleIndex: rule,
        level: "error",
        message: { text: `Possible injection: user input reaches v${n} — "quoted" \\ and more ${padding}` },
        locations: [
          {
            physicalLocation: {
              // Eight findings to a file, as in a real first scan.
              artifactLocation: { uri: `src/dir${(n >> 3) % 500}/file${n >> 3}.js`, uriBaseId: "%SRCROOT%" },
              region: {
                startLine: 1 + (n % 3000),
                snippet: {
                  text: `const v${n} = eval(input${n % 997}, options${n}); // and the rest of the line`,
                },
              },
            },
          },
        ],
        partialFingerprints: { "secflow/v1": `${n.toString(16).padStart(16, "0")}:1` },
        baselineState: n % 100 === 0 ? "new" : "unchanged",
        properties: { "security-severity": "7.5", secflow: { category: "sast", severity: "high" } },
      };
      const text = `${i ? "," : ""}${JSON.stringify(result)}`;
      await put(text);
      bytes += text.length;
    }
    await put(runTail);
  }
  await put("]}\n");
  await new Promise<void>((r) => out.end(() => r()));
  return n;
}

// ---- measurement ------------------------------------------------------------------------------

const measure = (name: string, command: string, args: string[], ok?: number[]) =>
  measureIn(data, name, command, args, ok);

mkdirSync(data, { recursive: true });
const mb = Number(values.mb);
const file = join(data, `log-${mb}mb.sarif`);
if (!existsSync(file)) {
  const results = await generate(file, mb);
  console.log(`generated ${file}: ${results} results`);
}
const size = statSync(file).size;
console.log(`log: ${(size / 1048576).toFixed(0)} MB`);
if (!existsSync(join(root, "packages/cli/dist/secflow.js"))) {
  execFileSync("npm", ["run", "build", "-w", "packages/cli"], { cwd: root });
}
const cli = join(root, "packages/cli/bin/secflow.js");
const node = process.execPath;
const rows: Measure[] = [];
const canParse = size < 500 * 1048576;
if (canParse) rows.push(measure("bare JSON.parse", node, [here, "--parse", file]));
rows.push(measure("change-gate reading (stream, validate, judge)", node, [here, "--read-gate", file]));
// validate exits 1: more than 25,000 results per run would not upload as one file.
rows.push(measure("secflow validate", node, [cli, "validate", file], [0, 1]));
rows.push(measure("secflow merge", node, [cli, "merge", file, "--output", join(data, "merged.sarif")]));
rows.push(
  measure("secflow baseline (the log against itself)", node, [
    cli,
    "baseline",
    "--base",
    file,
    "--head",
    file,
    "--output",
    join(data, "marked.sarif"),
  ]),
);

console.log("\n| command | wall time | peak memory | vs JSON.parse |\n|---|---:|---:|---:|");
const floor = canParse ? rows[0] : undefined;
for (const row of rows) {
  const ratio = floor ? `${(row.seconds / floor.seconds).toFixed(2)}×` : "—";
  console.log(`| ${row.name} | ${row.seconds.toFixed(2)} s | ${row.peakMB.toFixed(0)} MB | ${ratio} |`);
}
console.log(
  "\ntargets: the gate ≤ 1.5× a bare JSON.parse with a peak of 300 MB or less (issue #15); every command under 300 MB at 2 GB (issue #12)",
);
