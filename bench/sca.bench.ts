/**
 * SCA benchmark: a 3,000-package npm lockfile scanned against an offline OSV database of 50,000
 * advisories (osv.dev's all.zip layout), end to end through the action's run(), next to the time
 * to merely read and JSON.parse the same database files. Prints both and their ratio.
 *
 *   node bench/run.mjs sca [--packages 3000] [--advisories 50000] [--runs 3]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { consoleIO, inputs, recordInputSource } from "@secflow/kit";
import { zipSync } from "fflate";
import { zipEntries } from "../actions/sca/src/osv/zip-reader.ts";
import { readOptions, run } from "../actions/sca/src/run.ts";
import { prng } from "./prng.ts";

// The runner says where the repository is; the bundle itself sits in bench/.data/build/.
const root = process.env.SECFLOW_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const data = join(root, "bench/.data/sca");
const { values } = parseArgs({
  options: {
    packages: { type: "string", default: "3000" },
    advisories: { type: "string", default: "50000" },
    runs: { type: "string", default: "3" },
  },
});
const packageCount = Number(values.packages);
const advisoryCount = Number(values.advisories);
const runs = Number(values.runs);

// ---- generation (deterministic) -----------------------------------------------------------

const random = prng(20261122);
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const version = () => `${between(0, 9)}.${between(0, 30)}.${between(0, 40)}`;

/** Package names: the lockfile's, plus as many others again that only the database knows. */
const names = Array.from({ length: packageCount * 8 }, (_, i) =>
  i % 10 === 0 ? `@scope${i % 97}/pkg-${i}` : `pkg-${i}`,
);

function lockfile(): string {
  const packages: Record<string, unknown> = {};
  const direct: Record<string, string> = {};
  const devDirect: Record<string, string> = {};
  const chosen = names.slice(0, packageCount);
  chosen.forEach((name, i) => {
    const deps: Record<string, string> = {};
    for (let d = 0; d < between(0, 4); d++) {
      const dep = chosen[between(i + 1, chosen.length - 1)];
      if (dep && dep !== name) deps[dep] = "*";
    }
    const dev = i % 5 === 4;
    if (i < packageCount / 10) (dev ? devDirect : direct)[name] = "*";
    packages[`node_modules/${name}`] = {
      version: version(),
      resolved: `https://registry.npmjs.org/${name}/-/${name.split("/").pop()}-1.0.0.tgz`,
      integrity:
        "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
      ...(dev ? { dev: true } : {}),
      license: "MIT",
      ...(Object.keys(deps).length ? { dependencies: deps } : {}),
    };
  });
  return `${JSON.stringify({ name: "bench", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "bench", version: "1.0.0", dependencies: direct, devDependencies: devDirect }, ...packages } }, null, 2)}\n`;
}

function advisory(i: number) {
  // As in the real database, most advisories name packages the project does not use: one in
  // fifty names a lockfile package (about a third of them have one), the rest other packages.
  const name =
    i % 50 === 0
      ? (names[(i / 50) % packageCount] as string)
      : (names[packageCount + (i % (names.length - packageCount))] as string);
  const introduced = `${between(0, 5)}.${between(0, 30)}.0`;
  const fixed = `${between(5, 9)}.${between(0, 30)}.${between(0, 40)}`;
  return {
    schema_version: "1.4.0",
    id: `GHSA-bench-${String(i).padStart(5, "0")}`,
    modified: "2024-01-01T00:00:00Z",
    published: "2023-01-01T00:00:00Z",
    aliases: [`CVE-2023-${String(10000 + i)}`],
    summary: `Synthetic advisory ${i} for ${name}`,
    details: `A generated advisory so the benchmark has the volume of the real database. ${"Details. ".repeat(between(5, 60))}`,
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
    affected: [
      {
        package: { ecosystem: "npm", name },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced }, { fixed }] }],
        database_specific: { source: "bench" },
      },
    ],
    references: [{ type: "ADVISORY", url: `https://github.com/advisories/GHSA-bench-${i}` }],
    database_specific: { cwe_ids: ["CWE-1321"], severity: "HIGH", github_reviewed: true },
  };
}

rmSync(data, { recursive: true, force: true });
mkdirSync(join(data, "repo"), { recursive: true });
mkdirSync(join(data, "db", "npm"), { recursive: true });
writeFileSync(join(data, "repo", "package-lock.json"), lockfile());
const entries: Record<string, Uint8Array> = {};
const encoder = new TextEncoder();
for (let i = 0; i < advisoryCount; i++)
  entries[`GHSA-bench-${String(i).padStart(5, "0")}.json`] = encoder.encode(
    JSON.stringify(advisory(i), null, 2),
  );
const zip = zipSync(entries, { level: 6 });
writeFileSync(join(data, "db", "npm", "all.zip"), zip);
console.log(
  `generated: ${packageCount} packages, ${advisoryCount} advisories (all.zip ${(zip.length / 1048576).toFixed(1)} MB)`,
);

// ---- measurement ----------------------------------------------------------------------------

/** The floor: read the zip, inflate each entry and JSON.parse it, with the same zip reader. */
function parseOnly(): number {
  const start = performance.now();
  let count = 0;
  for (const entry of zipEntries(readFileSync(join(data, "db", "npm", "all.zip")))) {
    if (JSON.parse(entry.read().toString("utf8")).id) count++;
  }
  if (count !== advisoryCount) throw new Error(`parsed ${count} advisories`);
  return performance.now() - start;
}

async function scan(): Promise<{ ms: number; vulnerable: string }> {
  const io = consoleIO({ quiet: true, stream: { write: () => true } as unknown as NodeJS.WritableStream });
  const options = readOptions(
    inputs(
      recordInputSource({
        "osv-db": join(data, "db"),
        baseline: "none",
        "fail-on": "none",
        output: join(data, "sca.sarif"),
      }),
    ),
    { GITHUB_WORKSPACE: join(data, "repo") },
  );
  const start = performance.now();
  await run(options, io);
  return { ms: performance.now() - start, vulnerable: io.outputs["vulnerable-count"] ?? "?" };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const parse: number[] = [];
const full: number[] = [];
let vulnerable = "";
for (let i = 0; i < runs; i++) {
  globalThis.gc?.();
  parse.push(parseOnly());
  globalThis.gc?.();
  const result = await scan();
  full.push(result.ms);
  vulnerable = result.vulnerable;
}
const p = median(parse);
const f = median(full);
console.log(`parse database only : ${p.toFixed(0)} ms (median of ${runs})`);
console.log(
  `end-to-end scan     : ${f.toFixed(0)} ms (median of ${runs}; ${vulnerable} vulnerable pairs found)`,
);
console.log(`ratio scan / parse  : ${(f / p).toFixed(2)}`);
console.log(f < 2000 ? "target met: scan under 2 s" : "target missed: scan took 2 s or more");
