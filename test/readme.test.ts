import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");

describe("README.md", () => {
  it("lists every action with its current version and release tag", () => {
    for (const action of ["sast", "sca", "policy-diff", "change-gate"]) {
      const { version } = JSON.parse(readFileSync(join(root, "actions", action, "package.json"), "utf8"));
      const major = version.split(".")[0];
      const row = readme.split("\n").find((line) => line.startsWith(`| [\`${action}\`](actions/${action})`));
      expect(row, action).toBeDefined();
      expect(row).toContain(`| ${version} |`);
      expect(row).toContain(`\`acme/secflow/actions/${action}@${action}/v${major}\``);
    }
  });

  it("links only to files that exist", () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)\)/g)]
      .map((m) => m[1] as string)
      .filter((l) => !/^https?:/.test(l));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) expect(existsSync(join(root, link)), link).toBe(true);
  });

  it("gives the two set-up commands that .ci/run and the demo rely on", () => {
    expect(readme).toContain("npm ci && npm run demo");
    expect(readme).toContain("npm ci && npm test");
    expect(readFileSync(join(root, ".ci/run"), "utf8")).toMatch(/npm ci[\s\S]*npm test/);
  });
});
