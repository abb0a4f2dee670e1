import { type ResultInput, RunBuilder, type RunOptions, sarifLog } from "../src/index.ts";

export const runOptions: RunOptions = {
  action: "sast",
  actionVersion: "1.0.0",
  tool: { name: "ESLint", version: "9.39.5", informationUri: "https://eslint.org" },
  mode: "full",
  repository: { uri: "https://github.com/acme/shop", revisionId: "0123456789abcdef0123456789abcdef01234567" },
  srcRoot: "file:///home/runner/work/shop/shop/",
};

export type Finding = Omit<ResultInput, "category" | "message"> & { message?: string };

/** A one-run log with a rule per distinct rule id. */
export function logOf(findings: Finding[], options: Partial<RunOptions> = {}) {
  const run = new RunBuilder({ ...runOptions, ...options });
  for (const f of findings) {
    run.rule({ id: f.ruleId, shortDescription: `Rule ${f.ruleId}`, severity: "high", cwe: [78] });
    run.result({ message: `${f.ruleId} at ${f.snippet ?? "?"}`, category: "sast", ...f });
  }
  return sarifLog([run.build()]);
}
