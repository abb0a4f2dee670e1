import { describe, expect, it } from "vitest";
import { applyBaseline, validate } from "../src/index.ts";
import { type Finding, logOf } from "./helpers.ts";

function states(base: Finding[], head: Finding[], options = {}) {
  const { log, counts } = applyBaseline(logOf(base), logOf(head), options);
  const byLine = (log.runs[0]?.results ?? []).map((r) => {
    const loc = r.locations?.[0]?.physicalLocation;
    return `${loc?.artifactLocation?.uri}:${loc?.region?.startLine} ${r.baselineState}`;
  });
  return { byLine, counts, log };
}

const f = (path: string, startLine: number, snippet: string, ruleId = "eval"): Finding => ({
  path,
  startLine,
  snippet,
  ruleId,
});

describe("baseline", () => {
  it("keeps findings unchanged when lines shift", () => {
    const { byLine, counts, log } = states(
      [f("a.js", 10, "eval(a)"), f("a.js", 20, "exec(b)", "exec")],
      [f("a.js", 15, "eval(a)"), f("a.js", 25, "exec(b)", "exec"), f("a.js", 3, "eval(c)")],
    );
    expect(byLine.sort()).toEqual(["a.js:15 unchanged", "a.js:25 unchanged", "a.js:3 new"]);
    expect(counts).toEqual({ new: 1, unchanged: 2, updated: 0, absent: 0 });
    expect(log.runs[0]?.properties?.secflow.mode).toBe("diff");
    expect(validate(log).valid).toBe(true);
  });

  it("tells a new copy of existing code from the original when code is inserted above", () => {
    // Base: eval(x) at 10 (anchor next to it: exec(y) at 12). The PR inserts 30 lines at the top,
    // one of which repeats eval(x); the original moves to 40 and its neighbour to 42.
    const { byLine } = states(
      [f("a.js", 10, "eval(x)"), f("a.js", 12, "exec(y)", "exec")],
      [f("a.js", 5, "eval(x)"), f("a.js", 40, "eval(x)"), f("a.js", 42, "exec(y)", "exec")],
    );
    expect(byLine.sort()).toEqual(["a.js:40 unchanged", "a.js:42 unchanged", "a.js:5 new"]);
  });

  it("pairs repeated identical findings in order and finds the added one among them", () => {
    const base = [
      f("a.js", 10, "eval(x)"),
      f("a.js", 20, "eval(x)"),
      f("a.js", 30, "eval(x)"),
      f("a.js", 5, "q()", "q"),
    ];
    const head = [
      f("a.js", 7, "q()", "q"),
      f("a.js", 12, "eval(x)"),
      f("a.js", 22, "eval(x)"),
      f("a.js", 27, "eval(x)"),
      f("a.js", 32, "eval(x)"),
    ];
    const { byLine, counts } = states(base, head);
    expect(counts).toEqual({ new: 1, unchanged: 4, updated: 0, absent: 0 });
    expect(byLine).toContain("a.js:27 new");
  });

  it("follows renames when they are known, and not otherwise", () => {
    const base = [f("old/a.js", 10, "eval(x)")];
    const head = [f("new/a.js", 10, "eval(x)")];
    expect(states(base, head).byLine).toEqual(["new/a.js:10 new"]);
    expect(states(base, head, { renames: new Map([["old/a.js", "new/a.js"]]) }).byLine).toEqual([
      "new/a.js:10 unchanged",
    ]);
  });

  it("marks a finding whose code was edited in place as updated", () => {
    const { byLine } = states(
      [f("a.js", 10, "eval(x)"), f("a.js", 2, "z()", "z")],
      [f("a.js", 12, "eval(x + y)"), f("a.js", 4, "z()", "z")],
    );
    expect(byLine.sort()).toEqual(["a.js:12 updated", "a.js:4 unchanged"]);
  });

  it("lists fixed findings as absent on request, with rules remapped into the head run", () => {
    const { log, counts } = states(
      [f("a.js", 1, "gone()", "gone"), f("a.js", 5, "eval(x)")],
      [f("a.js", 5, "eval(x)")],
      { includeAbsent: true },
    );
    expect(counts).toEqual({ new: 0, unchanged: 1, updated: 0, absent: 1 });
    const absent = log.runs[0]?.results?.find((r) => r.baselineState === "absent");
    expect(log.runs[0]?.tool.driver.rules?.[absent?.ruleIndex ?? -1]?.id).toBe("gone");
    expect(validate(log).valid).toBe(true);
  });

  it("matches findings without snippets by message", () => {
    const noSnippet = (path: string, startLine: number, ruleId: string): Finding => ({
      path,
      startLine,
      ruleId,
      message: `${ruleId} here`,
    });
    const { byLine } = states(
      [noSnippet("a.py", 3, "B101")],
      [noSnippet("a.py", 9, "B101"), noSnippet("a.py", 12, "B102")],
    );
    expect(byLine.sort()).toEqual(["a.py:12 new", "a.py:9 unchanged"]);
  });

  it("treats everything as new when the base has no run of that category", () => {
    const { log } = applyBaseline(
      logOf([f("a.js", 1, "x")], { category: "other" }),
      logOf([f("a.js", 1, "x")]),
    );
    expect(log.runs[0]?.results?.[0]?.baselineState).toBe("new");
  });
});
