import { describe, expect, it } from "vitest";
import { parseCargoLock } from "../src/lockfiles/cargo.ts";
import { parseGoMod } from "../src/lockfiles/go-mod.ts";
import { parseGradleLockfile } from "../src/lockfiles/gradle.ts";
import { parseNpmLock } from "../src/lockfiles/npm.ts";
import { parsePipfileLock } from "../src/lockfiles/pipfile.ts";
import { parsePnpmLock } from "../src/lockfiles/pnpm.ts";
import { parsePoetryLock } from "../src/lockfiles/poetry.ts";
import { parseRequirements } from "../src/lockfiles/requirements.ts";
import { LockfileError, type LockfileInput } from "../src/lockfiles/types.ts";
import { parseUvLock } from "../src/lockfiles/uv.ts";
import { parseYarnLock } from "../src/lockfiles/yarn.ts";
import type { Package } from "../src/model.ts";
import { fixtureInput, lineOf } from "./helpers.ts";

function find(packages: Package[], name: string, version: string): Package {
  const pkg = packages.find((p) => p.name === name && p.version === version);
  if (!pkg)
    throw new Error(
      `${name}@${version} not found in ${packages.map((p) => `${p.name}@${p.version}`).join(", ")}`,
    );
  return pkg;
}

// The same project (lodash 4.17.15, minimist 1.2.5 and mkdirp 0.5.1 as dependencies, optimist
// 0.6.1 and @types/minimist as dev dependencies) locked by each JavaScript package manager.
const JS_LOCKFILES = [
  ["npm-v1/package-lock.json", parseNpmLock, '"lodash": {'],
  ["npm-v2/package-lock.json", parseNpmLock, '"node_modules/lodash": {'],
  ["npm-v3/package-lock.json", parseNpmLock, '"node_modules/lodash": {'],
  ["npm-shrinkwrap/npm-shrinkwrap.json", parseNpmLock, '"node_modules/lodash": {'],
  ["pnpm-v6/pnpm-lock.yaml", parsePnpmLock, "/lodash@4.17.15:"],
  ["pnpm-v9/pnpm-lock.yaml", parsePnpmLock, "  lodash@4.17.15:"],
  ["yarn-classic/yarn.lock", parseYarnLock, "lodash@4.17.15:"],
  ["yarn-berry/yarn.lock", parseYarnLock, '"lodash@npm:4.17.15":'],
] as const;

describe.each(JS_LOCKFILES)("%s", (file, parse, lodashLine) => {
  it("lists every package with version, purl, relation, scope, path and line", async () => {
    const { packages, ecosystem } = await parse(await fixtureInput(file));
    expect(ecosystem).toBe("npm");
    expect(packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(
      [
        "@types/minimist@1.2.2",
        "lodash@4.17.15",
        "minimist@0.0.10",
        "minimist@0.0.8",
        "minimist@1.2.5",
        "mkdirp@0.5.1",
        "optimist@0.6.1",
        "wordwrap@0.0.3",
      ].sort(),
    );
    const lodash = find(packages, "lodash", "4.17.15");
    expect(lodash).toMatchObject({
      ecosystem: "npm",
      purl: "pkg:npm/lodash@4.17.15",
      relation: "direct",
      scope: "runtime",
      lockfile: file,
      dependencyPath: ["lodash"],
    });
    expect(lodash.line).toBe(await lineOf(file, lodashLine));
    expect(find(packages, "minimist", "0.0.8")).toMatchObject({
      relation: "transitive",
      scope: "runtime",
      dependencyPath: ["mkdirp", "minimist"],
    });
    expect(find(packages, "minimist", "0.0.10")).toMatchObject({
      relation: "transitive",
      scope: "dev",
      dependencyPath: ["optimist", "minimist"],
    });
    expect(find(packages, "optimist", "0.6.1")).toMatchObject({ relation: "direct", scope: "dev" });
    expect(find(packages, "@types/minimist", "1.2.2").purl).toBe("pkg:npm/%40types/minimist@1.2.2");
  });
});

describe("npm lockfile details", () => {
  it("reads the license npm records in lockfile v2 and v3", async () => {
    const { packages } = await parseNpmLock(await fixtureInput("npm-v3/package-lock.json"));
    expect(find(packages, "lodash", "4.17.15").license).toBe("MIT");
  });

  it("points nested copies at their own lines", async () => {
    const file = "npm-v3/package-lock.json";
    const { packages } = await parseNpmLock(await fixtureInput(file));
    expect(find(packages, "minimist", "0.0.8").line).toBe(
      await lineOf(file, '"node_modules/mkdirp/node_modules/minimist": {'),
    );
    expect(find(packages, "minimist", "0.0.10").line).toBe(
      await lineOf(file, '"node_modules/optimist/node_modules/minimist": {'),
    );
  });

  it("finds lines in a lockfile written on one line", async () => {
    const input = await fixtureInput("npm-v3/package-lock.json");
    const { packages } = await parseNpmLock({ ...input, text: JSON.stringify(JSON.parse(input.text)) });
    expect(packages.every((p) => p.line === 1)).toBe(true);
    expect(packages).toHaveLength(8);
  });

  it.each([
    ['{"lockfileVersion": 3, "packages": ', /not valid JSON/],
    ["[1, 2]", /expected an object/],
    ['{"name": "x"}', /neither "packages" nor "dependencies"/],
  ])("rejects %s with a message naming the file", async (text, message) => {
    const input: LockfileInput = { path: "app/package-lock.json", text, sibling: async () => undefined };
    await expect(parseNpmLock(input)).rejects.toThrow(LockfileError);
    await expect(parseNpmLock(input)).rejects.toThrow(message);
    await expect(parseNpmLock(input)).rejects.toThrow(/app\/package-lock.json/);
  });
});

describe("Python lockfiles", () => {
  it("requirements.txt: pip-compile pins, with '# via' telling direct from transitive", async () => {
    const file = "python-requirements/requirements.txt";
    const { packages, skipped } = await parseRequirements(await fixtureInput(file));
    expect(skipped).toEqual([]);
    expect(find(packages, "requests", "2.28.2")).toMatchObject({
      relation: "direct",
      scope: "runtime",
      line: await lineOf(file, "requests==2.28.2"),
      purl: "pkg:pypi/requests@2.28.2",
    });
    expect(find(packages, "urllib3", "1.26.15")).toMatchObject({
      relation: "transitive",
      dependencyPath: ["requests", "urllib3"],
    });
  });

  it("requirements: says what is not pinned and what it does not follow", async () => {
    const file = "python-requirements/requirements-dev.txt";
    const { packages, skipped } = await parseRequirements(await fixtureInput(file));
    expect(packages.map((p) => `${p.name}==${p.version}`)).toEqual(["Requests==2.31.0", "black==23.3.0"]);
    expect(packages.every((p) => p.scope === "dev")).toBe(true);
    expect(find(packages, "black", "23.3.0").line).toBe(await lineOf(file, "black==23.3.0"));
    const reasons = skipped.map((s) => `${s.subject} ${s.reason}`);
    expect(reasons).toEqual([
      expect.stringMatching(/requirements-dev.txt:1 .*includes another file/),
      expect.stringMatching(
        /requirements-dev.txt:2 pytest is not pinned \(>=7.0\); pin it as pytest==<version>/,
      ),
      expect.stringMatching(/requirements-dev.txt:4 flask is not pinned \(any version\)/),
    ]);
  });

  it("poetry.lock: categories and pyproject.toml's direct dependencies", async () => {
    const file = "poetry/poetry.lock";
    const { packages } = await parsePoetryLock(await fixtureInput(file));
    expect(packages).toHaveLength(7);
    expect(find(packages, "requests", "2.30.0")).toMatchObject({
      relation: "direct",
      scope: "runtime",
      line: await lineOf(file, 'name = "requests"'),
    });
    expect(find(packages, "urllib3", "2.0.2")).toMatchObject({
      relation: "transitive",
      dependencyPath: ["requests", "urllib3"],
    });
    expect(find(packages, "pytest", "7.3.1")).toMatchObject({ relation: "direct", scope: "dev" });
    expect(find(packages, "iniconfig", "2.0.0")).toMatchObject({ relation: "transitive", scope: "dev" });
  });

  it("Pipfile.lock: default and develop sections, direct ones from the Pipfile", async () => {
    const file = "pipenv/Pipfile.lock";
    const { packages, skipped } = await parsePipfileLock(await fixtureInput(file));
    expect(find(packages, "requests", "2.25.1")).toMatchObject({
      relation: "direct",
      scope: "runtime",
      line: await lineOf(file, '"requests": {'),
    });
    expect(find(packages, "chardet", "4.0.0")).toMatchObject({ relation: "transitive", scope: "runtime" });
    expect(find(packages, "pytest", "7.3.1")).toMatchObject({ relation: "direct", scope: "dev" });
    expect(skipped).toEqual([
      {
        subject: `${file}:${await lineOf(file, '"mylib": {')}`,
        reason: "mylib is not from a registry; not checked",
      },
    ]);
  });

  it("uv.lock: the project's dependencies and dev group", async () => {
    const file = "uv/uv.lock";
    const { packages } = await parseUvLock(await fixtureInput(file));
    expect(packages.map((p) => p.name).sort()).toEqual([
      "certifi",
      "charset-normalizer",
      "idna",
      "iniconfig",
      "pytest",
      "requests",
      "urllib3",
    ]);
    expect(find(packages, "requests", "2.31.0")).toMatchObject({
      relation: "direct",
      scope: "runtime",
      line: await lineOf(file, '^name = "requests"'),
    });
    expect(find(packages, "iniconfig", "2.0.0")).toMatchObject({
      relation: "transitive",
      scope: "dev",
      dependencyPath: ["pytest", "iniconfig"],
    });
  });
});

describe("Go, Rust and Java lockfiles", () => {
  it("go.mod: requires, // indirect, replacements", async () => {
    const file = "go/go.mod";
    const { packages, skipped } = await parseGoMod(await fixtureInput(file));
    expect(find(packages, "golang.org/x/net", "v0.10.0")).toMatchObject({
      relation: "direct",
      line: await lineOf(file, "golang.org/x/net v0.10.0"),
      purl: "pkg:golang/golang.org/x/net@v0.10.0",
    });
    expect(find(packages, "golang.org/x/text", "v0.9.0").relation).toBe("transitive");
    expect(find(packages, "gopkg.in/yaml.v3", "v3.0.1").line).toBe(
      await lineOf(file, "require gopkg.in/yaml.v3"),
    );
    // A replace for every version applies to sonic v1.9.1; its line is the one that picks v1.10.0.
    expect(find(packages, "github.com/bytedance/sonic", "v1.10.0").line).toBe(
      await lineOf(file, "replace github.com/bytedance/sonic"),
    );
    expect(packages.some((p) => p.name === "github.com/bytedance/sonic" && p.version === "v1.9.1")).toBe(
      false,
    );
    // The standard library at the go directive's version.
    expect(find(packages, "stdlib", "1.21")).toMatchObject({
      purl: "pkg:golang/stdlib@1.21",
      line: await lineOf(file, "go 1.21"),
    });
    expect(skipped).toEqual([
      expect.objectContaining({
        reason: expect.stringMatching(
          /example.com\/local v0.0.0 is replaced by the local folder \.\.\/local/,
        ),
      }),
    ]);
  });

  it("Cargo.lock: workspace members' dependencies are direct, dev ones from Cargo.toml", async () => {
    const file = "cargo/Cargo.lock";
    const { packages, skipped } = await parseCargoLock(await fixtureInput(file));
    expect(packages.map((p) => p.name).sort()).toEqual(["libc", "smallvec", "tempfile", "time"]);
    expect(find(packages, "time", "0.1.45")).toMatchObject({
      relation: "direct",
      scope: "runtime",
      line: await lineOf(file, 'name = "time"'),
      purl: "pkg:cargo/time@0.1.45",
    });
    expect(find(packages, "tempfile", "3.6.0")).toMatchObject({ relation: "direct", scope: "dev" });
    expect(find(packages, "libc", "0.2.147")).toMatchObject({ relation: "transitive", scope: "runtime" });
    expect(skipped[0]?.reason).toMatch(/forked comes from git, not a registry/);
  });

  it("gradle.lockfile: coordinates, test configurations as dev", async () => {
    const file = "gradle/gradle.lockfile";
    const { packages } = await parseGradleLockfile(await fixtureInput(file));
    expect(packages).toHaveLength(5);
    expect(find(packages, "com.fasterxml.jackson.core:jackson-databind", "2.13.0")).toMatchObject({
      ecosystem: "Maven",
      scope: "runtime",
      relation: "unknown",
      line: await lineOf(file, "jackson-databind"),
      purl: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.0",
    });
    expect(find(packages, "junit:junit", "4.12").scope).toBe("dev");
  });

  it.each([
    [
      "Cargo.lock",
      parseCargoLock,
      "[[package]\nname = 1",
      /^sub\/Cargo.lock: not valid TOML at line 1, column 11 \(expected end of table array declaration\)$/,
    ],
    [
      "pnpm-lock.yaml",
      parsePnpmLock,
      "lockfileVersion: '9.0'\npackages:\n  a: [",
      /^sub\/pnpm-lock.yaml: not valid YAML at line 3, column \d+ \([^\n]+\)$/,
    ],
    ["pnpm-lock.yaml", parsePnpmLock, "name: x\n", /no lockfileVersion/],
    [
      "yarn.lock",
      parseYarnLock,
      '# yarn lockfile v1\n\nfoo@^1:\n  version "1.0.0\n  resolved x\n',
      /^sub\/yarn.lock: not valid yarn.lock at line 4, column 11 \(Expected [^\n]*\)$/,
    ],
    [
      "yarn.lock",
      parseYarnLock,
      '__metadata:\n  version: 6\n\n"a@npm:1":\n  version: 1.0.0\n   bad: [\n',
      /^sub\/yarn.lock: not valid yarn.lock at line 6, column 7 \(bad indentation of a mapping entry\)$/,
    ],
    [
      "go.mod",
      parseGoMod,
      "module x\n\n  <html>not found</html>\n",
      /^sub\/go.mod: not valid go.mod at line 3, column 3 \(unknown directive\)$/,
    ],
    ["gradle.lockfile", parseGradleLockfile, "<html>not found</html>\n", /is it a Gradle lockfile/],
    ["Pipfile.lock", parsePipfileLock, '{"_meta": {}}', /neither "default" nor "develop"/],
  ] as const)("rejects a malformed %s", async (file, parse, text, message) => {
    await expect(parse({ path: `sub/${file}`, text, sibling: async () => undefined })).rejects.toThrow(
      message,
    );
  });
});
