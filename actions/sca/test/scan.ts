// Runs the action's logic as the CLI and the runner do: inputs through readOptions, a console IO
// that records outputs, annotations, the summary and every log line.

import { readFile } from "node:fs/promises";
import { inputs, recordInputSource } from "@secflow/kit";
import { capturedIO } from "@secflow/kit/testing";
import type { Sarif } from "@secflow/sarif";
import { type Options, readOptions, run } from "../src/run.ts";

function options(dir: string, flags: Record<string, string>, env: NodeJS.ProcessEnv = {}): Options {
  return {
    ...readOptions(inputs(recordInputSource({ output: "out/sca.sarif", ...flags })), {
      GITHUB_WORKSPACE: dir,
      ...env,
    }),
    http: { backoffMs: 1 },
    now: new Date("2026-06-01T12:00:00Z"),
  };
}

export async function scan(dir: string, flags: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const { io, printed } = capturedIO();
  const opts = options(dir, flags, env);
  const outcome = await run(opts, io);
  const text = await readFile(opts.output, "utf8");
  const log = JSON.parse(text) as Sarif.Log;
  return {
    io,
    outcome,
    log,
    /** The SARIF file as written. */
    text,
    /** Every line the step printed (log, annotations, summary). */
    printed: printed(),
    results: log.runs.flatMap((r) => r.results ?? []),
  };
}

export type Props = {
  package: string;
  purl: string;
  installedVersion: string;
  fixedVersions: string[];
  upgradeTo?: string;
  dependencyPath: string[];
  scope: string;
  relation: string;
};
export const props = (r: Sarif.Result) => (r.properties as { secflow: Props }).secflow;
export const where = (r: Sarif.Result) =>
  `${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri}:${r.locations?.[0]?.physicalLocation?.region?.startLine}`;
/** "<rule> <installed version> <baselineState>", sorted. */
export const states = (results: Sarif.Result[]) =>
  results.map((r) => `${r.ruleId} ${props(r).installedVersion} ${r.baselineState}`).sort();
