import { symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEslint } from "../src/adapters/eslint.ts";
import { findProjectEslint, runProjectEslint } from "../src/adapters/eslint-project.ts";
import { contextOf, firing, tempTree } from "./helpers.ts";

const MONOREPO_MODULES = path.resolve(import.meta.dirname, "../../../node_modules");

// A team config: eslint-plugin-security's recommended rules, ESLint's no-eval, and an inline
// plugin of the team's own whose rule flags md5() calls.
const CONFIG = `import security from "eslint-plugin-security";
const acme = {
  rules: {
    "no-md5": {
      meta: { type: "problem", docs: { description: "Disallow md5(), a broken hash", url: "https://acme.example/rules/no-md5" } },
      create: (context) => ({
        CallExpression(node) {
          if (node.callee.name === "md5") context.report({ node, message: "md5 is broken" });
        },
      }),
    },
  },
};
export default [
  { ignores: ["vendor/**"] },
  security.configs.recommended,
  { plugins: { acme }, rules: { "acme/no-md5": "error", "no-eval": "error" } },
];
`;

const SOURCES = {
  "src/app.js": ["const digest = md5(password);", "eval(input);", "export { digest };"].join("\n"),
  "vendor/lib.js": "md5(x);",
};

async function linkModules(dir: string) {
  for (const name of ["eslint", "eslint-plugin-security"]) {
    await symlink(path.join(MONOREPO_MODULES, name), path.join(dir, "node_modules", name), "dir");
  }
}

describe("the repository's own ESLint config", () => {
  let tree: Awaited<ReturnType<typeof tempTree>>;
  beforeAll(async () => {
    tree = await tempTree({ ...SOURCES, "eslint.config.mjs": CONFIG, "node_modules/.keep": "" });
    await linkModules(tree.dir);
  });
  afterAll(() => tree.cleanup());

  it("runs with the team's rules and plugins next to the built-in security rules, each finding once", async () => {
    const report = await runEslint(await contextOf(tree.dir));
    // vendor/lib.js calls md5() too, but the team's config ignores vendor/**.
    expect(firing(report.findings)).toEqual([
      "acme/no-md5@src/app.js:1",
      "no-eval@src/app.js:2",
      "security/detect-eval-with-expression@src/app.js:2",
    ]);
    expect(report.rules.get("acme/no-md5")).toMatchObject({
      shortDescription: "Disallow md5(), a broken hash",
      helpUri: "https://acme.example/rules/no-md5",
      severity: 5.5,
    });
    expect(report.rules.get("no-eval")).toMatchObject({ cwe: [95], severity: "high" });
    expect(report.notes).toContain(
      "ESLint: the repository's own config eslint.config.mjs with its ESLint 9.39.5.",
    );
  });

  it("is kept away from links that lead out of the repository: it walks the folder itself", async () => {
    const outside = await tempTree({ "md5 [x].js": "md5(secret);\n" });
    const linked = await tempTree({ ...SOURCES, "eslint.config.mjs": CONFIG, "node_modules/.keep": "" });
    try {
      await linkModules(linked.dir);
      await symlink(path.join(outside.dir, "md5 [x].js"), path.join(linked.dir, "src/md5 [x].js"));
      const context = await contextOf(linked.dir);
      const project = (await findProjectEslint(linked.dir, linked.dir)) as Parameters<
        typeof runProjectEslint
      >[1];
      const links = ["src/md5 [x].js"];
      const told = await runProjectEslint({ ...context, files: [], linksOut: links }, project);
      expect(told.findings.map((f) => f.path)).not.toContain("src/md5 [x].js");
      // Without being told, the repository's ESLint reads through the link.
      const untold = await runProjectEslint({ ...context, files: [] }, project);
      expect(untold.findings.map((f) => f.path)).toContain("src/md5 [x].js");
    } finally {
      await linked.cleanup();
      await outside.cleanup();
    }
  });

  it("reports only the files sast scans, though it walks the folder itself", async () => {
    const context = await contextOf(tree.dir);
    // As run() lists them when src/app.js is a file sast leaves out (vendored, minified, untracked…).
    const report = await runEslint({ ...context, files: context.files.filter((f) => f !== "src/app.js") });
    expect(firing(report.findings)).toEqual([]);
  });

  it("says so when the config is there but ESLint is not installed", async () => {
    const bare = await tempTree({
      ...SOURCES,
      "eslint.config.mjs": CONFIG,
      "src/types.ts": "export const x = 1;",
    });
    try {
      const report = await runEslint(await contextOf(bare.dir));
      expect(firing(report.findings)).toEqual(["security/detect-eval-with-expression@src/app.js:2"]);
      expect(report.warnings).toEqual([
        expect.stringContaining("eslint.config.mjs was found but ESLint is not installed"),
        expect.stringContaining("1 TypeScript file(s) were not analysed"),
      ]);
    } finally {
      await bare.cleanup();
    }
  });

  it("keeps the built-in rules' findings when the config is broken, and says the team's rules did not run", async () => {
    const broken = await tempTree({
      "a.js": "eval(x);",
      "eslint.config.mjs": 'throw new Error("config exploded");',
      "node_modules/.keep": "",
    });
    try {
      await linkModules(broken.dir);
      const report = await runEslint(await contextOf(broken.dir));
      expect(firing(report.findings)).toEqual(["security/detect-eval-with-expression@a.js:1"]);
      expect(report.unchecked).toEqual([
        {
          subject: "ESLint with eslint.config.mjs",
          reason: expect.stringMatching(
            /^the repository's ESLint 9\.39\.5 \(eslint\.config\.mjs\) failed \(exit code 2\)\. Last lines of its stderr:[\s\S]*config exploded/,
          ),
        },
      ]);
    } finally {
      await broken.cleanup();
    }
  });
});
