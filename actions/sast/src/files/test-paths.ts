// Test code, by the conventions of the test runners for the languages sast reads: pytest and
// unittest (test_*.py, *_test.py, conftest.py, tests/), Jest, Mocha and Vitest (__tests__/,
// *.test.js, *.spec.ts, test/), Go (*_test.go) and the usual C and C++ layouts.

/** A folder that holds tests, at any depth. */
const TEST_FOLDER = /(?:^|\/)(?:tests?|__tests__|__mocks__|specs?)\//i;

/** A file named as a test, wherever it is. */
const TEST_FILE =
  /(?:^|\/)(?:test_[^/]*\.pyw?|[^/]*_tests?\.pyw?|conftest\.py|[^/]*\.(?:test|spec)\.[cm]?[jt]sx?|[^/]*_test\.go|[^/]*_(?:unit)?test\.(?:c|cc|cpp|cxx)|test_[^/]*\.(?:c|cc|cpp|cxx))$/i;

/** Whether a repository-relative path is test code. */
export function isTestPath(file: string): boolean {
  return TEST_FOLDER.test(file) || TEST_FILE.test(file);
}
