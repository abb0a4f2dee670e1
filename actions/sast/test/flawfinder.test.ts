import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFlawfinder } from "../src/adapters/flawfinder.ts";
import { contextOf, firing, tempTree } from "./helpers.ts";

const FILES = {
  "src/copy.c": [
    "#include <string.h>",
    "#include <stdio.h>",
    "void greet(char *name) {",
    "  char buf[16];        /* FF1013 char array */",
    "  strcpy(buf, name);   /* FF1001 strcpy */",
    "  printf(name);        /* FF1016 format string */",
    "}",
  ].join("\n"),
  // FF1044 system(), FF1053 getenv(), both on line 2.
  "src/100% legit.c": '#include <stdlib.h>\nvoid f(void) { char *p = getenv("HOME"); system(p); }\n',
  "app.py": "print('not C')\n",
};

describe("flawfinder", () => {
  let tree: Awaited<ReturnType<typeof tempTree>>;
  let report: Awaited<ReturnType<typeof runFlawfinder>>;
  beforeAll(async () => {
    tree = await tempTree(FILES);
    report = await runFlawfinder(await contextOf(tree.dir));
  });
  afterAll(() => tree.cleanup());

  it("reports each hit on its line, names with % taken literally", () => {
    expect(firing(report.findings)).toEqual([
      "FF1001@src/copy.c:5",
      "FF1013@src/copy.c:4",
      "FF1016@src/copy.c:6",
      "FF1044@src/100% legit.c:2",
      "FF1053@src/100% legit.c:2",
    ]);
  });

  it("rates hits by flawfinder's risk level and keeps its code excerpt", () => {
    const strcpy = report.findings.find((f) => f.ruleId === "FF1001");
    expect(strcpy).toMatchObject({ severity: "high", snippet: "  strcpy(buf, name);   /* FF1001 strcpy */" });
    expect(report.findings.find((f) => f.ruleId === "FF1013")?.severity).toBe("low");
  });

  it("keeps flawfinder's rule metadata with its CWE relationships", () => {
    expect(report.tool).toMatchObject({ name: "Flawfinder", version: "2.0.19" });
    expect(report.rules.get("FF1013")).toMatchObject({
      name: "buffer/char",
      cwe: [119, 120],
      helpUri: "https://cwe.mitre.org/data/definitions/119.html",
    });
  });
});

describe("flawfinder on a repository without C or C++", () => {
  it("still names the installed version, as GitHub's SARIF rules want a numeric one", async () => {
    const tree = await tempTree({ "app.py": "print('not C')\n" });
    try {
      const report = await runFlawfinder(await contextOf(tree.dir));
      const installed = execFileSync("flawfinder", ["--version"], { encoding: "utf8" }).trim();
      expect(report.findings).toEqual([]);
      expect(report.tool.version).toBe(installed);
      expect(report.tool.version).toMatch(/^\d/);
    } finally {
      await tree.cleanup();
    }
  });
});
