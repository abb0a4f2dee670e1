import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { tempRepo } from "../test/temp-repo.ts";
import { activeWaivers, configSchema, parseConfig, readConfig } from "./config.ts";
import type { SecflowConfig, Waiver } from "./config-types.ts";

const FILE = ".github/secflow.yml";

// Uses every key of SecflowConfig: the type checker rejects keys the type lacks, and the
// schema test below rejects schema keys this value lacks.
const everything: SecflowConfig = {
  "on-unchecked": "warn",
  "waiver-max-days": 90,
  version: 1,
  team: "payments",
  "severity-overrides": { "security/detect-eval-with-expression": "critical" },
  "ignore-paths": ["test/fixtures/**"],
  waivers: [
    {
      rule: "B101",
      fingerprint: "abc123:1",
      advisory: "GHSA-p6mc-m468-83gw",
      path: "tools/**",
      reason: "assert only in tooling",
      approver: "org/security",
      expires: "2026-12-31",
    },
  ],
  sast: {
    tools: ["eslint", "bandit", "flawfinder", "semgrep"],
    include: ["vendored", "tests"],
    "rules-off": ["B404"],
    "ignore-paths": ["vendor/**"],
    args: {
      eslint: ["--max-warnings", "0"],
      bandit: ["-ll"],
      flawfinder: ["--minlevel=2"],
      semgrep: ["--config", "p/ci"],
    },
    "fail-on": "high",
  },
  sca: {
    "fail-on": "critical",
    "dev-dependencies": "exclude",
    licenses: { allow: ["MIT", "Apache-2.0"], deny: ["AGPL-3.0-only"] },
    ignores: [
      { advisory: "CVE-2021-23337", package: "lodash", reason: "not reachable", expires: "2026-06-30" },
    ],
  },
  policy: {
    include: {
      enrolment: ["services/*/enrolment.yml"],
      workflows: [".github/workflows/*.yml"],
      kubernetes: ["deploy/**/*.yaml"],
      iam: ["iam/**/*.json"],
      codeowners: ["CODEOWNERS", ".github/CODEOWNERS"],
    },
    "sensitive-resources": ["payments-db*"],
    "sensitive-secrets": ["PROD_*"],
    "security-owners": ["@org/security"],
    "fail-on": "high",
    workflows: { "default-permissions": "restricted" },
  },
  gate: {
    "new-findings": { fail: "high", review: "medium" },
    categories: {
      sast: { fail: "critical", review: "high" },
      sca: { fail: "high", review: "medium" },
      policy: { fail: "none", review: "low" },
    },
    escalations: "review",
    "escalations-from": "medium",
    batch: { "max-lines": 1000, "max-files": 50, action: "review" },
    "sensitive-paths": ["src/auth/**"],
    documentation: { when: "risky", sections: ["Rollback plan"] },
    approvers: { users: ["octocat", "renovate[bot]"], teams: ["org/security"] },
    "require-approval-of-head": true,
    approval: { count: 2, "allow-author": false, "allow-contributors": false },
    labels: { "security-reviewed": { effect: "skip-review", "applied-by": ["octocat"] } },
    "on-missing": "fail",
    expected: ["sast", "sca", "policy"],
  },
};

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error("expected an error");
}

type SchemaNode = {
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  $ref?: string;
};

function resolve(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace("#/definitions/", "");
  return (configSchema.definitions as Record<string, SchemaNode>)[name] ?? node;
}

describe("the published schema", () => {
  it("describes every property, forbids unknown ones, and matches SecflowConfig", () => {
    const missing: string[] = [];
    function walk(node: SchemaNode, value: unknown, at: string): void {
      const schema = resolve(node);
      if (schema.properties) {
        expect(schema.additionalProperties, `${at} allows unknown keys`).toBe(false);
        for (const [key, child] of Object.entries(schema.properties)) {
          expect(
            child.description ?? resolve(child).description,
            `${at}/${key} has no description`,
          ).toBeTruthy();
          const sub = (value as Record<string, unknown> | undefined)?.[key];
          if (sub === undefined) missing.push(`${at}/${key}`);
          walk(child, sub, `${at}/${key}`);
        }
      }
      if (schema.items && Array.isArray(value)) walk(schema.items, value[0], `${at}/0`);
      if (typeof schema.additionalProperties === "object" && value && typeof value === "object") {
        for (const [key, sub] of Object.entries(value))
          walk(schema.additionalProperties, sub, `${at}/${key}`);
      }
    }
    walk(configSchema as SchemaNode, everything, "");
    expect(missing).toEqual([]);
    expect(parseConfig(stringify(everything), FILE)).toEqual(everything);
  });
});

describe("parseConfig", () => {
  it("reads a commented YAML file", () => {
    const text = [
      "# payments team",
      "version: 1",
      "team: payments",
      "sast:",
      "  tools: [eslint, semgrep]",
      "  fail-on: high",
      "waivers:",
      "  - rule: B101",
      "    reason: tooling only",
      "    approver: '@org/security'",
      "    expires: 2026-12-31",
    ].join("\n");
    expect(parseConfig(text, FILE)).toEqual({
      version: 1,
      team: "payments",
      sast: { tools: ["eslint", "semgrep"], "fail-on": "high" },
      waivers: [{ rule: "B101", reason: "tooling only", approver: "@org/security", expires: "2026-12-31" }],
    });
  });

  it("reads an empty or comment-only file as an empty configuration", () => {
    expect(parseConfig("", FILE)).toEqual({});
    expect(parseConfig("# nothing yet\n", FILE)).toEqual({});
  });

  it("names file and line of a YAML syntax error", () => {
    const error = thrown(() => parseConfig("team: a\nsast:\n  tools: [eslint\nsca: {}\n", FILE));
    expect(isUserError(error)).toBe(true);
    expect(error.message).toMatch(/^\.github\/secflow\.yml:4: .*\(YAML syntax\)$/);
  });

  it("catches a duplicated key", () => {
    expect(thrown(() => parseConfig("team: a\nteam: b\n", FILE)).message).toBe(
      ".github/secflow.yml:2: Map keys must be unique (YAML syntax)",
    );
  });

  it("points a typo at its line and suggests the right key", () => {
    const error = thrown(() => parseConfig("version: 1\n\nsevrity-overrides:\n  B101: high\n", FILE));
    expect(isUserError(error)).toBe(true);
    expect(error.message).toBe(
      '.github/secflow.yml:3: unknown property "sevrity-overrides" (did you mean "severity-overrides"?) (/sevrity-overrides)',
    );
    expect(thrown(() => parseConfig("sast:\n  tool: [eslint]\n", FILE)).message).toBe(
      '.github/secflow.yml:2: unknown property "tool" (did you mean "tools"?) (/sast/tool)',
    );
  });

  it("reports every problem with its line and JSON pointer", () => {
    const text = [
      "sast:",
      "  fail-on: hgih",
      "  tools: [eslint, pylint]",
      "waivers:",
      "  - rule: B101",
      "    reason: fine",
      "    approver: me",
      "    expires: 2026-12-31",
      "  - reason: no target",
      "    approver: me",
      "    expires: 2026-02-30",
      "gate:",
      "  batch:",
      "    max-lines: many",
    ].join("\n");
    expect(thrown(() => parseConfig(text, FILE)).message.split("\n")).toEqual([
      '.github/secflow.yml:2: must be one of critical, high, medium, low, info, none, not "hgih" (/sast/fail-on)',
      '.github/secflow.yml:3: must be one of eslint, bandit, flawfinder, semgrep, not "pylint" (/sast/tools/1)',
      ".github/secflow.yml:9: needs one of rule, fingerprint, advisory (/waivers/1)",
      '.github/secflow.yml:11: must be a date written YYYY-MM-DD, not "2026-02-30" (/waivers/1/expires)',
      ".github/secflow.yml:14: must be a whole number (/gate/batch/max-lines)",
    ]);
  });

  it("names missing required properties and a wrong root", () => {
    expect(
      thrown(() => parseConfig("waivers:\n  - rule: B101\n    reason: x\n    approver: y\n", FILE)).message,
    ).toBe('.github/secflow.yml:2: missing required property "expires" (/waivers/0)');
    expect(thrown(() => parseConfig("- eslint\n", FILE)).message).toBe(
      ".github/secflow.yml:1: must be a mapping (key: value) (/)",
    );
  });
});

describe("loading", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "secflow-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("treats a missing default file as the defaults and a missing named one as an error", async () => {
    expect(await readConfig({ root: dir })).toEqual({
      config: {},
      source: { file: FILE, found: false, explicit: false },
    });
    const error = await readConfig({ root: dir, file: "team.yml" }).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/team.yml named by the "config" input does not exist/);
    await writeFile(path.join(dir, "team.yml"), "team: core\n");
    expect((await readConfig({ root: dir, file: "team.yml" })).config).toEqual({ team: "core" });
  });

  it("refuses a configuration that is a symlink out of the repository, and reads one inside", async () => {
    const outside = await mkdtemp(path.join(tmpdir(), "secflow-outside-"));
    try {
      await writeFile(path.join(outside, "secret.yml"), "team: leaked-value\n");
      await mkdir(path.join(dir, ".github"), { recursive: true });
      await symlink(path.join(outside, "secret.yml"), path.join(dir, FILE));
      const error = await readConfig({ root: dir }).catch((e: unknown) => e);
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toMatch(/symbolic link that leads out of the repository/);
      expect((error as Error).message).not.toMatch(/leaked-value/);
      await rm(path.join(dir, FILE));
      await symlink(path.join(dir, "team.yml"), path.join(dir, FILE));
      expect((await readConfig({ root: dir })).config).toEqual({ team: "core" });
    } finally {
      await rm(path.join(dir, FILE), { force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("reads the configuration committed at a commit", async () => {
    const repo = await tempRepo();
    try {
      const before = await repo.commit("no config");
      await repo.write({ [FILE]: "team: core\ngate:\n  on-missing: review\n" });
      const withConfig = await repo.commit("config");
      await repo.write({ [FILE]: "team: core\ngate:\n  on-missing: sometimes\n" });
      const broken = await repo.commit("broken");
      expect((await readConfig({ root: repo.dir, commit: before })).config).toEqual({});
      const loaded = await readConfig({ root: repo.dir, commit: withConfig });
      expect(loaded.config).toEqual({ team: "core", gate: { "on-missing": "review" } });
      expect(loaded.source).toMatchObject({ file: FILE, commit: withConfig, found: true, explicit: false });
      const error = await readConfig({ root: repo.dir, commit: broken }).catch((e: unknown) => e);
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toBe(
        `.github/secflow.yml at commit ${broken.slice(0, 12)}:3: must be one of fail, review, not "sometimes" (/gate/on-missing)`,
      );
      const named = await readConfig({ root: repo.dir, commit: before, file: FILE }).catch((e: unknown) => e);
      expect((named as Error).message).toMatch(/does not exist at commit/);
    } finally {
      await repo.cleanup();
    }
  });
});

describe("activeWaivers", () => {
  const waiver = (expires: string): Waiver => ({ rule: "B101", reason: "r", approver: "a", expires });

  it("keeps a waiver through its expiry day (UTC) and reports it afterwards", () => {
    const w = waiver("2026-03-01");
    expect(activeWaivers([w], new Date("2026-03-01T23:59:59Z"))).toEqual({ active: [w], expired: [] });
    expect(activeWaivers([w], new Date("2026-03-02T00:00:00Z"))).toEqual({ active: [], expired: [w] });
  });

  it("accepts no waivers and treats an unreadable date as expired", () => {
    expect(activeWaivers(undefined)).toEqual({ active: [], expired: [] });
    const bad = waiver("soon");
    expect(activeWaivers([bad]).expired).toEqual([bad]);
  });
});

describe("precompiled configuration validator", () => {
  it("matches schema/secflow-config.schema.json (run `npm run compile-schema -w packages/kit` after editing it)", async () => {
    // @ts-expect-error: a plain .mjs build script without type declarations
    const { compile, GENERATED } = await import("../scripts/compile-schema.mjs");
    expect(readFileSync(GENERATED, "utf8")).toBe(compile());
  });
});

describe("bounded YAML in the configuration", () => {
  const laughs = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...["b", "c", "d", "e", "f", "g", "h", "i"].map(
      (name, i) => `${name}: &${name} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`,
    ),
  ].join("\n");

  it.each([
    ["an alias bomb", laughs, /:\d+: too many aliases: they expand to more than 100000 values/],
    ["an alias that contains itself", "a: &a [1, *a]\n", /:1: alias \*a refers to a value that contains it/],
    ["flow nesting 5,000 deep", `team: ${"[".repeat(5000)}${"]".repeat(5000)}`, /nested too deeply/],
    [
      "block nesting 3,000 deep",
      Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n"),
      /nested too deeply/,
    ],
    [
      "nesting past the depth limit",
      `team: ${"[".repeat(120)}${"]".repeat(120)}`,
      /nested deeper than 100 levels/,
    ],
  ])("refuses %s with one clear line (a UserError, not a crash)", (_name, text, message) => {
    const error = (() => {
      try {
        parseConfig(text, FILE);
      } catch (e) {
        return e;
      }
    })();
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^\.github\/secflow\.yml:(\d+:)? /);
    expect((error as Error).message).not.toContain("\n");
  });

  it("reads a configuration with a few aliases (positive control)", () => {
    const text = "team: core\nsast:\n  ignore-paths: &vendor [vendor/**]\nignore-paths: *vendor\n";
    expect(parseConfig(text, FILE)).toEqual({
      team: "core",
      sast: { "ignore-paths": ["vendor/**"] },
      "ignore-paths": ["vendor/**"],
    });
  });
});
