import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandSarifPatterns } from "../src/sarif-files.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "gate-files-"));
  for (const name of ["a/x.sarif", "a/deep/y.sarif.json", "a/notes.txt", "b/[literal].sarif", "c/z.sarif"]) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), "{}");
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the sarif input", () => {
  it("expands folders, globs (relative and absolute) and files, each file once", async () => {
    const { files, problems } = await expandSarifPatterns(
      ["a", "a/x.sarif", `${dir}/c/*.sarif`, "b/[literal].sarif"],
      dir,
    );
    expect(problems).toEqual([]);
    expect(files.map((f) => path.relative(dir, f))).toEqual([
      "a/deep/y.sarif.json",
      "a/x.sarif",
      "c/z.sarif",
      "b/[literal].sarif",
    ]);
  });

  it("makes every entry that names nothing a problem", async () => {
    const { files, problems } = await expandSarifPatterns(
      ["nope.sarif", "**/*.none", "a/deep/nothing/*.sarif"],
      dir,
    );
    expect(files).toEqual([]);
    expect(problems.map((p) => p.message)).toEqual([
      'SARIF file "nope.sarif" does not exist (did the job that writes it run and upload it?)',
      'SARIF glob "**/*.none" matches no file (did the job that writes it run and upload it?)',
      'SARIF glob "a/deep/nothing/*.sarif" matches no file (did the job that writes it run and upload it?)',
    ]);
  });
});
