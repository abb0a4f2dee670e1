import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuiltinEslint } from "../src/adapters/eslint-builtin.ts";
import { contextOf, firing, tempTree } from "./helpers.ts";

// Small vulnerable programs; each line comment names the rule that must fire on it.
const FILES = {
  "src/exec.js": [
    'const cp = require("child_process");',
    "function run(cmd) {",
    "  cp.exec(cmd); // security/detect-child-process",
    "}",
    "eval(userInput); // security/detect-eval-with-expression",
    "module.exports = run;",
  ].join("\n"),
  "src/regex.mjs": [
    "export function match(pattern, text) {",
    "  return new RegExp(pattern).test(text); // security/detect-non-literal-regexp",
    "}",
    "export const bad = /(x+x+)+y/; // security/detect-unsafe-regex",
  ].join("\n"),
  // Top-level return parses only as CommonJS: the module-first read must fall back.
  "lib/legacy.js": [
    "if (!process.env.X) return;",
    "const b = new Buffer(size); // security/detect-new-buffer",
  ].join("\n"),
  "src/quiet.js": [
    "// eslint-disable-next-line security/detect-eval-with-expression -- reviewed in #12",
    "eval(code);",
  ].join("\n"),
  "src/broken.js": "function (",
  "types/ignored.ts": "const x: number = eval(y);",
  // Every extension the walk calls JavaScript is linted: .jsx came back "No matching
  // configuration found" and was never read, as was any upper-case extension.
  "ui/Panel.jsx": ["export const Panel = ({ html }) => (", "  <div>{eval(html)}</div>", ");"].join("\n"),
  "ui/Legacy.JSX": "export const L = () => <p>{eval(x)}</p>;",
  "lib/tool.cjs": 'require("child_process").exec(cmd);',
  "lib/OLD.JS": "eval(code);",
};

describe("built-in ESLint with eslint-plugin-security", () => {
  let tree: Awaited<ReturnType<typeof tempTree>>;
  beforeAll(async () => {
    tree = await tempTree(FILES);
  });
  afterAll(() => tree.cleanup());

  it("fires the recommended rules on the lines that have them", async () => {
    const report = await runBuiltinEslint(await contextOf(tree.dir));
    const active = report.findings.filter((f) => !f.suppressions);
    expect(firing(active)).toEqual([
      "security/detect-child-process@lib/tool.cjs:1",
      "security/detect-child-process@src/exec.js:3",
      "security/detect-eval-with-expression@lib/OLD.JS:1",
      "security/detect-eval-with-expression@src/exec.js:5",
      "security/detect-eval-with-expression@ui/Legacy.JSX:1",
      "security/detect-eval-with-expression@ui/Panel.jsx:2",
      "security/detect-new-buffer@lib/legacy.js:2",
      "security/detect-non-literal-regexp@src/regex.mjs:2",
      "security/detect-unsafe-regex@src/regex.mjs:4",
    ]);
    expect(report.tool).toMatchObject({
      name: "ESLint",
      extensions: [{ name: "eslint-plugin-security", version: "4.1.0" }],
    });
  });

  it("gives rules descriptions, documentation, CWE and severity", async () => {
    const report = await runBuiltinEslint(await contextOf(tree.dir));
    expect(report.rules.get("security/detect-child-process")).toMatchObject({
      shortDescription: expect.stringContaining("child_process"),
      helpUri: expect.stringContaining("detect-child-process.md"),
      cwe: [78],
      severity: "high",
    });
  });

  it("keeps findings an eslint-disable comment hides, as suppressed in source", async () => {
    const report = await runBuiltinEslint(await contextOf(tree.dir));
    const quiet = report.findings.filter((f) => f.suppressions);
    expect(firing(quiet)).toEqual(["security/detect-eval-with-expression@src/quiet.js:2"]);
    expect(quiet[0]?.suppressions).toEqual([{ kind: "inSource", justification: "reviewed in #12" }]);
  });

  it("reports files it cannot parse as not checked instead of skipping them silently", async () => {
    const report = await runBuiltinEslint(await contextOf(tree.dir));
    expect(report.unchecked).toEqual([
      {
        subject: "src/broken.js",
        reason: expect.stringMatching(/^ESLint could not parse it \(line 1: Parsing error/),
      },
    ]);
    expect(report.warnings).toEqual([]);
  });
});
