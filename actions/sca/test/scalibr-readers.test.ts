// Our lockfile readers against osv-scalibr's own extractor fixtures (fixtures/scalibr, copied at a
// named commit): each test states the packages osv-scalibr's *_test.go expects for the fixture, as
// "name@version:line", and says where we differ on purpose.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseGoMod } from "../src/lockfiles/go-mod.ts";
import { parseNpmLock } from "../src/lockfiles/npm.ts";
import { parsePipfileLock } from "../src/lockfiles/pipfile.ts";
import { parsePnpmLock } from "../src/lockfiles/pnpm.ts";
import { type FileSource, readLockfiles } from "../src/lockfiles/read.ts";
import { parseRequirements } from "../src/lockfiles/requirements.ts";
import type { LockfileParser } from "../src/lockfiles/types.ts";
import { parseYarnLock } from "../src/lockfiles/yarn.ts";
import type { Package } from "../src/model.ts";
import { compareMaven } from "../src/versions/maven.ts";
import { FIXTURES, fixtureInput } from "./helpers.ts";

async function read(parse: LockfileParser, file: string) {
  const parsed = await parse(await fixtureInput(file));
  return { ...parsed, listed: listed(parsed.packages) };
}

/** "name@version:line", sorted; Go versions without the "v" osv-scalibr drops. */
function listed(packages: readonly Package[]): string[] {
  return packages
    .map((p) => `${p.name}@${p.ecosystem === "Go" ? p.version.replace(/^v/, "") : p.version}:${p.line}`)
    .sort();
}

const sorted = (items: string[]) => [...items].sort();

describe("yarn classic (osv-scalibr yarnlock-v1_test.go)", () => {
  it("an entry with several descriptors is one package", async () => {
    const { listed } = await read(parseYarnLock, "scalibr/yarnlock/multiple-constraints.v1.lock");
    // "domelementtype@1, domelementtype@^1.3.1:" and two quoted @babel/code-frame descriptors.
    expect(listed).toEqual(sorted(["domelementtype@1.3.1:5", "@babel/code-frame@7.12.13:10"]));
  });

  it("aliases are the package after npm:, scoped or not", async () => {
    const { listed } = await read(parseYarnLock, "scalibr/yarnlock/with-aliases.v1.lock");
    expect(listed).toEqual(
      sorted(["ansi-regex@5.0.1:5", "ansi-regex@6.0.1:10", "@babel/helper-validator-identifier@7.22.20:15"]),
    );
  });

  it("several versions of one package, file: and link: entries", async () => {
    expect((await read(parseYarnLock, "scalibr/yarnlock/multiple-versions.v1.lock")).listed).toEqual(
      sorted([
        "define-properties@1.1.3:5",
        "define-property@0.2.5:12",
        "define-property@1.0.0:19",
        "define-property@2.0.2:26",
      ]),
    );
    expect((await read(parseYarnLock, "scalibr/yarnlock/files.v1.lock")).listed).toEqual(
      sorted([
        "etag@1.8.1:5",
        "filedep@1.2.0:9",
        "lodash@1.3.1:12",
        "other_package@0.0.2:16",
        "sprintf-js@0.0.0:24",
        "etag@1.8.0:27",
      ]),
    );
  });
});

describe("yarn berry (osv-scalibr yarnlock-v2_test.go)", () => {
  it("a header with several descriptors is at its own line, not line 1", async () => {
    const { listed } = await read(parseYarnLock, "scalibr/yarnlock/multiple-versions.v2.lock");
    expect(listed).toEqual(sorted(["debug@4.3.3:8", "debug@2.6.9:20", "debug@3.2.7:29"]));
  });

  it("aliases and scoped packages", async () => {
    expect((await read(parseYarnLock, "scalibr/yarnlock/with-aliases.v2.lock")).listed).toEqual(
      sorted(["@babel/helper-validator-identifier@7.22.20:22", "ansi-regex@6.0.1:15", "ansi-regex@5.0.1:8"]),
    );
    expect((await read(parseYarnLock, "scalibr/yarnlock/scoped-packages.v2.lock")).listed).toEqual(
      sorted(["@babel/cli@7.16.8:8", "@babel/code-frame@7.16.7:35", "@babel/compat-data@7.16.8:44"]),
    );
  });

  it("workspaces are the project, not packages (osv-scalibr also lists non-root ones)", async () => {
    const { listed } = await read(parseYarnLock, "scalibr/yarnlock/exclude-root.v2.lock");
    // osv-scalibr: "@ws/ansi-regex@0.0.0-use.local:8" and "ansi-regex@6.1.0:16".
    expect(listed).toEqual(["ansi-regex@6.1.0:16"]);
  });

  it("a patch: entry is the package it patches, reported once (yarn 4.9.2's own lockfile)", async () => {
    const { packages, listed } = await read(parseYarnLock, "yarn-berry-patch/yarn.lock");
    expect(listed).toEqual(
      sorted([
        "es-errors@1.3.0:8",
        "function-bind@1.1.2:25",
        "hasown@2.0.4:32",
        "is-core-module@2.18.0:41",
        "lodash@4.17.15:50",
        "path-parse@1.0.7:57",
        "resolve@1.22.14:64",
        "supports-preserve-symlinks-flag@1.0.0:92",
      ]),
    );
    // The graph goes through the patched entry's dependencies and the manifest's alias.
    expect(packages.find((p) => p.name === "is-core-module")).toMatchObject({ relation: "direct" });
    expect(packages.find((p) => p.name === "hasown")).toMatchObject({
      relation: "transitive",
      dependencyPath: ["is-core-module", "hasown"],
    });
    expect(packages.find((p) => p.name === "lodash")).toMatchObject({ relation: "direct" });
  });
});

describe("pnpm (osv-scalibr pnpmlock_test.go, pnpmlock-v9_test.go)", () => {
  it("5.x keys that are not from the registry are named by the entry's name:", async () => {
    const tarball = await read(parsePnpmLock, "scalibr/pnpmlock/tarball.yaml");
    expect(tarball.listed).toEqual(["@my-org/my-package@3.2.3:10"]);
    expect(tarball.packages[0]?.scope).toBe("dev");
    expect((await read(parsePnpmLock, "scalibr/pnpmlock/commits.yaml")).listed).toEqual(
      sorted([
        "my-bitbucket-package@1.0.0:14",
        "@my-scope/my-package@1.0.0:20",
        "@my-scope/my-other-package@1.0.0:28",
        "faker-parser@0.0.1:34",
        "mocks@20.0.1:42",
      ]),
    );
    expect((await read(parsePnpmLock, "scalibr/pnpmlock/commits.v9.yaml")).listed).toEqual(
      sorted(["ansi-regex@6.0.1:20", "is-number@7.0.0:25"]),
    );
  });

  it("registry hosts, peer suffixes; keys with no name or version are unchecked (osv-scalibr drops them)", async () => {
    const exotic = await read(parsePnpmLock, "scalibr/pnpmlock/exotic.yaml");
    expect(exotic.listed).toEqual(
      sorted([
        "foo@1.0.0:10",
        "@foo/bar@1.0.0:11",
        "foo@1.1.0:12",
        "@foo/bar@1.1.0:13",
        "foo@1.2.0:15",
        "foo@1.3.0:16",
        "foo@1.4.0:17",
      ]),
    );
    expect(exotic.skipped.map((s) => s.subject)).toEqual([
      "scalibr/pnpmlock/exotic.yaml:14",
      "scalibr/pnpmlock/exotic.yaml:18",
    ]);
    const files = await read(parsePnpmLock, "scalibr/pnpmlock/files.yaml");
    expect(files.listed).toEqual(
      sorted([
        "my-file-package@0.0.0:10",
        "a-local-package@1.0.0:16",
        "a-nested-local-package@1.0.0:22",
        "one-up@1.0.0:28",
        "one-up-with-peer@1.0.0:34",
      ]),
    );
    expect(files.skipped.map((s) => s.subject)).toEqual(["scalibr/pnpmlock/files.yaml:44"]);
  });
});

describe("npm (osv-scalibr packagelockjson tests)", () => {
  it("v1 aliases are the real package", async () => {
    const { packages } = await read(parseNpmLock, "scalibr/packagelockjson/alias.v1.json");
    expect(packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(
      sorted(["@babel/code-frame@7.0.0", "string-width@4.2.0", "string-width@5.1.2"]),
    );
  });

  it("v1 git and file dependencies never use their source as the version: unchecked", async () => {
    // osv-scalibr lists them with no version (and the git commit); we list them as not checked.
    const commits = await read(parseNpmLock, "scalibr/packagelockjson/commits.v1.json");
    expect(commits.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
      "ansi-styles@1.0.0",
      "postcss-calc@7.0.1",
    ]);
    const unversioned = new Set(commits.skipped.map((s) => s.subject.split(" ").at(-1)));
    expect([...unversioned].sort()).toEqual(
      sorted([
        "@segment/analytics.js-integration-facebook-pixel",
        "babel-preset-php",
        "is-number-1",
        "is-number-2",
        "is-number-3",
        "is-number-4",
        "is-number-5",
        "is-number-6",
        "raven-js",
        "slick-carousel",
      ]),
    );
    expect(commits.skipped.every((s) => /installed from git, not the registry/.test(s.reason))).toBe(true);
    // The source is not quoted back: a git URL may carry a token.
    expect(commits.skipped.some((s) => /github|git\+|#/.test(s.reason))).toBe(false);

    const files = await read(parseNpmLock, "scalibr/packagelockjson/files.v1.json");
    expect(files.packages.map((p) => `${p.name}@${p.version}`)).toEqual(["lodash@1.3.1"]);
    expect(files.skipped).toEqual([
      {
        subject: "scalibr/packagelockjson/files.v1.json: other_package",
        reason:
          "is installed from a local folder or file (file:), not the registry, and has no registry version; not checked",
      },
    ]);
  });

  const fixtureTree: FileSource = {
    read: (file) => readFile(path.join(FIXTURES, file), "utf8").catch(() => undefined),
  };

  it("a package-lock.json beside npm-shrinkwrap.json is not read; the shrinkwrap is", async () => {
    const both = await readLockfiles(
      ["scalibr/packagelockjson/both/package-lock.json", "scalibr/packagelockjson/both/npm-shrinkwrap.json"],
      fixtureTree,
    );
    expect(both.lockfiles.map((l) => l.path)).toEqual(["scalibr/packagelockjson/both/npm-shrinkwrap.json"]);
    expect(listed(both.lockfiles[0]?.packages ?? [])).toEqual(
      sorted(["wrappy@1.0.2:13", "supports-color@5.5.0:18"]),
    );
    expect(both.ignored).toEqual([
      expect.objectContaining({
        subject: "scalibr/packagelockjson/both/package-lock.json",
        reason: expect.stringMatching(/^npm ignores it: npm-shrinkwrap.json beside it/),
      }),
    ]);
    expect(both.unreadable).toEqual([]);
    // Asked for the package-lock.json alone, the scan still reads what npm installs from.
    const alone = await readLockfiles(["scalibr/packagelockjson/both/package-lock.json"], fixtureTree);
    expect(alone.lockfiles.map((l) => l.path)).toEqual(["scalibr/packagelockjson/both/npm-shrinkwrap.json"]);
  });

  it("positive control: a package-lock.json alone is read", async () => {
    const alone = await readLockfiles(["npm-v3/package-lock.json"], fixtureTree);
    expect(alone.lockfiles.map((l) => l.path)).toEqual(["npm-v3/package-lock.json"]);
    expect(alone.ignored).toEqual([]);
  });
});

describe("go.mod (osv-scalibr gomod_test.go)", () => {
  const gomod = (name: string) => read(parseGoMod, `scalibr/gomod/${name}/go.mod`);

  it("the standard library from the toolchain directive, else the go directive", async () => {
    expect((await gomod("two-packages")).listed).toEqual(
      sorted(["github.com/BurntSushi/toml@1.0.0:6", "gopkg.in/yaml.v2@2.4.0:7", "stdlib@1.17:3"]),
    );
    expect((await gomod("toolchain")).listed).toEqual(
      sorted(["github.com/BurntSushi/toml@1.0.0:8", "stdlib@1.23.6:5"]),
    );
    expect((await gomod("toolchain-with-suffix")).listed).toEqual(
      sorted(["github.com/BurntSushi/toml@1.0.0:8", "stdlib@1.23.6:5"]),
    );
    const stdlib = (await gomod("toolchain")).packages.find((p) => p.name === "stdlib");
    expect(stdlib).toMatchObject({ ecosystem: "Go", purl: "pkg:golang/stdlib@1.23.6" });
  });

  it("a replace naming a version applies to that version only; one without, to every version", async () => {
    expect((await gomod("replace-one")).listed).toEqual(["example.com/fork/net@1.4.5:5"]);
    expect((await gomod("replace-mixed")).listed).toEqual(
      sorted(["example.com/fork/net@1.4.5:7", "golang.org/x/net@0.5.6:3"]),
    );
    expect((await gomod("replace-different")).listed).toEqual(
      sorted(["example.com/fork/foe@1.4.5:7", "example.com/fork/foe@1.4.2:8"]),
    );
    expect((await gomod("replace-not-required")).listed).toEqual(
      sorted(["golang.org/x/net@0.5.6:2", "github.com/BurntSushi/toml@1.0.0:3"]),
    );
    expect((await gomod("replace-no-version")).listed).toEqual(["example.com/fork/net@1.4.5:7"]);
  });

  it("a replace by a local folder is unchecked (osv-scalibr lists the folder as a package)", async () => {
    const local = await gomod("replace-local");
    // osv-scalibr: "./fork/net" with no version at line 7, and toml.
    expect(local.listed).toEqual(["github.com/BurntSushi/toml@1.0.0:3"]);
    expect(local.skipped[0]).toEqual({
      subject: "scalibr/gomod/replace-local/go.mod:7",
      reason: "golang.org/x/net v1.2.3 is replaced by the local folder ./fork/net; not checked",
    });
  });

  it("go 1.16 and older: the indirect dependencies are read from go.sum", async () => {
    const old = await gomod("indirect-1.16");
    expect(
      old.packages.map(
        (p) => `${p.name}@${p.version.replace(/^v/, "")} ${path.posix.basename(p.lockfile)}:${p.line}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        "github.com/davecgh/go-spew@1.1.1 go.sum:2",
        "github.com/pmezard/go-difflib@1.0.0 go.sum:4",
        "github.com/sirupsen/logrus@1.9.3 go.mod:5",
        "github.com/stretchr/testify@1.7.0 go.sum:9",
        "golang.org/x/sys@0.0.0-20220715151400-c0bba94af5f8 go.sum:11",
        "gopkg.in/yaml.v3@3.0.0-20200313102051-9f266ea9e77c go.sum:14",
        "stdlib@1.16 go.mod:3",
      ]),
    );
    expect(old.packages).toHaveLength(7);
    const spew = old.packages.find((p) => p.name === "github.com/davecgh/go-spew");
    expect(spew).toMatchObject({
      relation: "transitive",
      lockfile: "scalibr/gomod/indirect-1.16/go.sum",
      readFrom: "scalibr/gomod/indirect-1.16/go.mod",
    });
    // From go 1.17 on go.mod lists every module; its go.sum (here not even one) is not read.
    expect((await gomod("indirect-1.23")).listed).toEqual(
      sorted([
        "github.com/sirupsen/logrus@1.9.3:5",
        "golang.org/x/sys@0.0.0-20220715151400-c0bba94af5f8:7",
        "stdlib@1.23:3",
      ]),
    );
    expect((await gomod("indirect-1.23")).skipped).toEqual([]);
  });

  it("not a go.mod: an error with the line and column; an empty one: nothing", async () => {
    await expect(gomod("not-go-mod")).rejects.toThrow(
      "scalibr/gomod/not-go-mod/go.mod: not valid go.mod at line 1, column 1 (unknown directive)",
    );
    expect((await gomod("empty")).packages).toEqual([]);
  });
});

describe("Python (osv-scalibr pipfilelock_test.go, requirements_test.go)", () => {
  it("Pipfile.lock: a package in both sections is one package, runtime", async () => {
    const { packages } = await read(parsePipfileLock, "scalibr/pipfilelock/multiple-packages.json");
    expect(packages.map((p) => `${p.name}@${p.version}:${p.line} ${p.scope}`).sort()).toEqual(
      sorted([
        "itsdangerous@2.1.2:19 runtime",
        "pluggy@1.0.1:27 runtime",
        "markupsafe@2.1.1:32 runtime",
        "pluggy@1.0.0:88 dev",
      ]),
    );
  });

  it("requirements.txt: per-requirement options, -C among them, are not part of the version", async () => {
    const { listed, skipped } = await read(parseRequirements, "scalibr/requirements/per_req_options.txt");
    expect(listed).toEqual(
      sorted([
        "foo1@1.0:1",
        "foo2@1.0:3",
        "foo3@1.0:5",
        "foo4@1.0:7",
        "foo5@1.0:9",
        "foo6@1.0:11",
        "foo8@1.0:15",
        "foo9@1.0:17",
        "foo11@1.0:22",
        "foo12@1.0:24",
        "foo13@1.0:26",
        "foo14@1.0:28",
        "foo16-Client@1.0:32",
        "foo17--hash@1.0:34",
        "foo18-Client@1.0:36",
      ]),
    );
    // osv-scalibr reads foo7 as version "1.0 unexpected_text_before_options_stays_around" and
    // drops foo10 and foo15; all three are unchecked here.
    expect(skipped.map((s) => s.subject.split(":").at(-1))).toEqual(["13", "20", "30"]);
  });

  it("requirements.txt: a constraints file (-c) is neither a package nor a gap; -r is a gap", async () => {
    const file = "scalibr/requirements/example.txt";
    const { listed, skipped } = await read(parseRequirements, file);
    expect(listed).toEqual(["docopt@0.6.1:8"]);
    const text = await readFile(path.join(FIXTURES, file), "utf8");
    const constraintLine = text.split("\n").indexOf("-c constraints.txt") + 1;
    expect(constraintLine).toBeGreaterThan(0);
    expect(skipped.map((s) => s.subject)).not.toContain(`${file}:${constraintLine}`);
    expect(skipped).toContainEqual({
      subject: `${file}:21`,
      reason:
        '"-r other-requirements.txt" includes another file, which is not followed; list that file in lockfiles',
    });
    // A wheel by URL is not read as a package named "http".
    expect(skipped).toContainEqual({
      subject: `${file}:28`,
      reason: "installs from a URL, not a registry version; not checked",
    });
  });

  it.each([
    ["-c constraints.txt"],
    ["-cconstraints.txt"],
    ["--constraint constraints.txt"],
    ["--constraint=constraints.txt"],
  ])("%s is a constraints file", async (line) => {
    const parsed = await parseRequirements({
      path: "requirements.txt",
      text: `${line}\nrequests==2.31.0\n`,
      sibling: async () => undefined,
    });
    expect(parsed.skipped).toEqual([]);
    expect(listed(parsed.packages)).toEqual(["requests@2.31.0:2"]);
  });
});

describe("Maven version order (osv-scalibr semantic/testdata/maven-versions.txt)", () => {
  it("orders every pair as osv-scalibr does, 1-1 = 1-ga-1 among them", async () => {
    const text = await readFile(path.join(FIXTURES, "scalibr/semantic/maven-versions.txt"), "utf8");
    const pairs = text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#") && !line.startsWith("//"))
      .map((line) => /^(\S+) ([<=>]) (\S+)$/.exec(line) as RegExpExecArray);
    expect(pairs.length).toBeGreaterThan(90);
    expect(pairs.map((m) => m[0])).toContain("1-1 = 1-ga-1");
    const wrong = pairs.filter(([, a = "", op, b = ""]) => {
      const want = op === "<" ? -1 : op === ">" ? 1 : 0;
      return Math.sign(compareMaven(a, b)) !== want || Math.sign(compareMaven(b, a)) !== -want;
    });
    expect(wrong.map((m) => m[0])).toEqual([]);
  });
});
