import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Measure {
  name: string;
  seconds: number;
  peakMB: number;
}

/**
 * Runs a command in a fresh process under GNU time for its wall time and peak resident memory;
 * `dir` holds the timing file, `ok` the exit codes that count as success.
 */
export function measure(dir: string, name: string, command: string, args: string[], ok = [0]): Measure {
  const timeFile = join(dir, `${name.replace(/\W+/g, "-")}.time`);
  const run = spawnSync("/usr/bin/time", ["-f", "%e %M", "-o", timeFile, command, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!ok.includes(run.status ?? -1)) {
    throw new Error(`${name} failed (${run.status}): ${run.stderr.toString().slice(0, 1500)}`);
  }
  const [seconds, kb] = readFileSync(timeFile, "utf8").trim().split("\n").pop()?.split(" ").map(Number) ?? [];
  return { name, seconds: seconds ?? Number.NaN, peakMB: (kb ?? 0) / 1024 };
}
