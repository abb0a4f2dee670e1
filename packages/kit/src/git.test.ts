import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { isUserError } from "@secflow/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TempRepo, tempRepo } from "../test/temp-repo.ts";
import {
  changedFiles,
  changedLines,
  git,
  listFilesAtRef,
  mergeBase,
  readFileAtRef,
  renames,
  resolveCommit,
  revParse,
  withWorktree,
} from "./git.ts";

// Names a shell or a naive parser would get wrong.
const WEIRD = [
  "with space.txt",
  `quote"double'single.txt`,
  "new\nline.txt",
  "$(touch pwned).txt",
  "tab\there.txt",
  "ünï cödé.txt",
  "-rf dash.txt",
  "dir with space/nested file.js",
];
const RENAMED_FROM = "old name.txt";
const RENAMED_TO = `new "name"\n.txt`;
const MODIFIED = "`touch pwned2`; rm -rf x.txt";
const LONG = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join("\n");

let repo: TempRepo;
let baseSha: string;
let headSha: string;

beforeAll(async () => {
  repo = await tempRepo();
  await repo.write({
    "keep.txt": "a\nb\nc\nd\ne\n",
    [RENAMED_FROM]: `${LONG}\n`,
    "gone.txt": "bye\n",
    [MODIFIED]: "one\n",
  });
  baseSha = await repo.commit("base");
  await repo.git("checkout", "-q", "-b", "feature");
  await repo.git("mv", RENAMED_FROM, RENAMED_TO);
  await repo.git("rm", "-q", "gone.txt");
  await repo.write({
    "keep.txt": "a\nB\nc\nd\ne\nf\n",
    [RENAMED_TO]: `${LONG}\nline 13\n`,
    [MODIFIED]: "one\ntwo\n",
    // Added lines that look like diff headers once prefixed with "+".
    "evil.txt": "++ b/fake.txt\n@@ -1 +1,999 @@\nok\n",
    ...Object.fromEntries(WEIRD.map((name) => [name, "x\ny\n"])),
  });
  headSha = await repo.commit("feature");
  // main moves on after the branch point; that change is not the feature's.
  await repo.git("checkout", "-q", "main");
  await repo.write({ "main-only.txt": "later\n" });
  await repo.commit("main moves on");
  await repo.git("checkout", "-q", "feature");
});
afterAll(async () => {
  await repo.cleanup();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error("expected a rejection");
  return error;
}

describe("refs", () => {
  it("resolves refs to commit SHAs", async () => {
    expect(await revParse(repo.dir, "feature")).toBe(headSha);
    expect(await revParse(repo.dir, `${headSha}~1`)).toBe(baseSha);
    expect(await mergeBase(repo.dir, "main", "feature")).toBe(baseSha);
  });

  it("names a missing ref in a UserError and never reads a ref as an option", async () => {
    for (const ref of ["no-such-branch", "--output=/tmp/secflow-x", "$(touch pwned)"]) {
      const error = await rejection(revParse(repo.dir, ref));
      expect(isUserError(error)).toBe(true);
      expect(error.message).toContain(`"${ref}" does not exist`);
      expect(error.message).toContain("fetch-depth: 0");
    }
    expect(await resolveCommit(repo.dir, "no-such-branch")).toBeUndefined();
    expect(existsSync("/tmp/secflow-x")).toBe(false);
  });

  it("says when a folder is not a git repository", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "secflow-nogit-"));
    try {
      const error = await rejection(revParse(dir, "HEAD"));
      expect(isUserError(error)).toBe(true);
      expect(error.message).toBe(
        `${dir} is not a git repository (check the repository out first, e.g. with actions/checkout).`,
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("turns git's own unknown-revision error into a UserError", async () => {
    const error = await rejection(git(["log", "-1", "nope-branch", "--"], repo.dir));
    expect(isUserError(error)).toBe(true);
    expect(error.message).toMatch(/nope-branch/);
  });
});

describe("files at a ref", () => {
  it("reads a file at a ref, and undefined when absent or a folder", async () => {
    expect(await readFileAtRef(repo.dir, baseSha, "keep.txt")).toBe("a\nb\nc\nd\ne\n");
    expect(await readFileAtRef(repo.dir, "feature", "keep.txt")).toBe("a\nB\nc\nd\ne\nf\n");
    expect(await readFileAtRef(repo.dir, baseSha, "evil.txt")).toBeUndefined();
    expect(await readFileAtRef(repo.dir, "feature", "dir with space")).toBeUndefined();
    expect(await readFileAtRef(repo.dir, "feature", "*.txt")).toBeUndefined();
    for (const name of WEIRD) expect(await readFileAtRef(repo.dir, "feature", name)).toBe("x\ny\n");
  });

  it("lists every file at a ref, names intact", async () => {
    const files = await listFilesAtRef(repo.dir, "feature");
    expect(files).toEqual(expect.arrayContaining([...WEIRD, RENAMED_TO, "keep.txt", "evil.txt"]));
    expect(files).not.toContain("gone.txt");
    expect(await listFilesAtRef(repo.dir, baseSha)).toEqual(
      [MODIFIED, "gone.txt", "keep.txt", RENAMED_FROM].sort(),
    );
  });
});

describe("changes between two refs", () => {
  it("lists changed files with status and counts against the merge base", async () => {
    const files = await changedFiles(repo.dir, "main", "feature");
    const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(
      [...WEIRD, RENAMED_TO, "keep.txt", "gone.txt", MODIFIED, "evil.txt"].sort(),
    );
    expect(byPath["keep.txt"]).toEqual({ path: "keep.txt", status: "modified", additions: 2, deletions: 1 });
    expect(byPath["gone.txt"]).toEqual({ path: "gone.txt", status: "deleted", additions: 0, deletions: 1 });
    expect(byPath[RENAMED_TO]).toEqual({
      path: RENAMED_TO,
      previousPath: RENAMED_FROM,
      status: "renamed",
      additions: 1,
      deletions: 0,
    });
    for (const name of WEIRD) {
      expect(byPath[name]).toEqual({ path: name, status: "added", additions: 2, deletions: 0 });
    }
    expect(await renames(repo.dir, "main", "feature")).toEqual(new Map([[RENAMED_FROM, RENAMED_TO]]));
  });

  it("maps added and changed lines in head, whatever the names and line contents", async () => {
    const lines = await changedLines(repo.dir, "main", "feature");
    expect(lines.get("keep.txt")).toEqual([
      { start: 2, end: 2 },
      { start: 6, end: 6 },
    ]);
    expect(lines.get(RENAMED_TO)).toEqual([{ start: 13, end: 13 }]);
    expect(lines.get(MODIFIED)).toEqual([{ start: 2, end: 2 }]);
    expect(lines.get("evil.txt")).toEqual([{ start: 1, end: 3 }]);
    for (const name of WEIRD) expect(lines.get(name)).toEqual([{ start: 1, end: 2 }]);
    expect(lines.has("gone.txt")).toBe(false);
    expect(lines.has("fake.txt")).toBe(false);
    expect([...lines.keys()].sort()).toEqual([...WEIRD, RENAMED_TO, "keep.txt", MODIFIED, "evil.txt"].sort());
  });

  it("never runs a file name", () => {
    for (const name of ["pwned", "pwned2"]) {
      expect(existsSync(path.join(repo.dir, name))).toBe(false);
      expect(existsSync(name)).toBe(false);
    }
  });
});

describe("withWorktree", () => {
  it("checks out a ref in a temporary folder and removes it afterwards", async () => {
    let seen = "";
    const content = await withWorktree(repo.dir, baseSha, async (dir) => {
      seen = dir;
      expect(existsSync(path.join(dir, "evil.txt"))).toBe(false);
      return readFile(path.join(dir, "keep.txt"), "utf8");
    });
    expect(content).toBe("a\nb\nc\nd\ne\n");
    expect(existsSync(seen)).toBe(false);
    expect(await repo.git("worktree", "list", "--porcelain")).not.toContain(seen);
  });

  it("removes the worktree when the callback throws", async () => {
    let seen = "";
    const error = await rejection(
      withWorktree(repo.dir, "main", async (dir) => {
        seen = dir;
        throw new Error("boom");
      }),
    );
    expect(error.message).toBe("boom");
    expect(existsSync(seen)).toBe(false);
    expect(await repo.git("worktree", "list", "--porcelain")).not.toContain(seen);
  });
});
