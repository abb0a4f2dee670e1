#!/usr/bin/env node
// Prints `tests: N passed, M failed` from vitest's JSON report and exits non-zero on any failure,
// including a test run that crashed before writing its report or ran no test at all.
import { existsSync, readFileSync } from "node:fs";

const [file, status] = process.argv.slice(2);
let passed = 0;
let failed = 0;
if (file && existsSync(file)) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed =
    (report.numFailedTests ?? 0) +
    (report.testResults ?? []).filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
} else {
  failed = 1;
  console.error(`no test report at ${file}: the test run crashed`);
}
if (failed === 0 && Number(status) !== 0) failed = 1; // vitest failed outside any test (e.g. an unhandled error)
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
