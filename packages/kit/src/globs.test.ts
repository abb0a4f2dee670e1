import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matcher, walkFiles } from "./globs.ts";

describe("matcher", () => {
  it("matches any of the globs, dot files included", () => {
    const isMatch = matcher(["src/**/*.ts", ".github/**"]);
    expect(isMatch("src/a/b.ts")).toBe(true);
    expect(isMatch("src/.hidden/b.ts")).toBe(true);
    expect(isMatch(".github/workflows/ci.yml")).toBe(true);
    expect(isMatch("./src/x.ts")).toBe(true);
    expect(isMatch("lib/x.ts")).toBe(false);
  });

  it("matches nothing without globs", () => {
    expect(matcher([])("anything")).toBe(false);
  });
});

describe("walkFiles", () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "secflow-walk-"));
    for (const dir of [".git/objects", "node_modules/x", "src/deep", "vendor", ".github"]) {
      await mkdir(path.join(root, dir), { recursive: true });
    }
    const files = [
      ".git/config",
      "node_modules/x/index.js",
      "src/a.ts",
      "src/deep/b.ts",
      "src/name with space.ts",
      "vendor/lib.js",
      ".github/secflow.yml",
      "README.md",
    ];
    for (const file of files) await writeFile(path.join(root, file), "x");
    await symlink(path.join(root, "src"), path.join(root, "src/deep/loop")); // a folder link loop
    await symlink(path.join(root, "README.md"), path.join(root, "readme-link.md"));
    await symlink(path.join(root, "missing"), path.join(root, "broken-link"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("lists files as sorted POSIX paths, skipping .git, node_modules and folder links", async () => {
    expect(await walkFiles(root)).toEqual([
      ".github/secflow.yml",
      "README.md",
      "readme-link.md",
      "src/a.ts",
      "src/deep/b.ts",
      "src/name with space.ts",
      "vendor/lib.js",
    ]);
  });

  it("applies include and exclude globs", async () => {
    expect(await walkFiles(root, { include: ["**/*.ts", "**/*.js"], exclude: ["src/deep/**"] })).toEqual([
      "src/a.ts",
      "src/name with space.ts",
      "vendor/lib.js",
    ]);
  });
});
