import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InputError, UserError } from "@secflow/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TempRepo, tempRepo } from "../test/temp-repo.ts";
import { readRepositoryFile, repositoryPath, resolveWorkspace } from "./workspace.ts";

let repo: TempRepo;
let outside: string;

beforeAll(async () => {
  repo = await tempRepo();
  await repo.commit("files", { "services/api/package-lock.json": "{}\n", "README.md": "hi\n" });
  outside = await realpath(await mkdtemp(path.join(tmpdir(), "secflow-outside-")));
  await writeFile(path.join(outside, "environ"), "GITHUB_TOKEN=ghs_secretvalue\n");
});
afterAll(async () => {
  await repo.cleanup();
  await rm(outside, { recursive: true, force: true });
});

describe("resolveWorkspace", () => {
  it("finds the repository root from the scanned folder, relative to GITHUB_WORKSPACE", async () => {
    const ws = await resolveWorkspace("services/api", { GITHUB_WORKSPACE: repo.dir });
    expect(ws).toEqual({
      base: repo.dir,
      scanRoot: path.join(repo.dir, "services/api"),
      root: repo.dir,
      prefix: "services/api",
      isGit: true,
    });
  });

  it("takes any folder from the command line, as osv-scanner -r and trivy fs do", async () => {
    const ws = await resolveWorkspace(path.join(repo.dir, "services"), {}, outside);
    expect(ws).toMatchObject({ base: outside, root: repo.dir, prefix: "services", isGit: true });
  });

  it("keeps a runner inside GITHUB_WORKSPACE", async () => {
    const env = { GITHUB_ACTIONS: "true", GITHUB_WORKSPACE: path.join(repo.dir, "services") };
    const error = await resolveWorkspace(repo.dir, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/outside the workspace/);
    await expect(resolveWorkspace("api", env)).resolves.toMatchObject({ prefix: "services/api" });
  });

  it("works outside git, with the folder as its own root", async () => {
    const ws = await resolveWorkspace(outside, {});
    expect(ws).toMatchObject({ root: outside, scanRoot: outside, prefix: "", isGit: false });
  });

  it("names a path that is not a folder", async () => {
    await expect(resolveWorkspace("README.md", { GITHUB_WORKSPACE: repo.dir })).rejects.toThrow(
      /is not a folder/,
    );
  });

  it("keeps files read from git inside the repository", async () => {
    const ws = await resolveWorkspace(".", { GITHUB_WORKSPACE: repo.dir });
    expect(repositoryPath(ws, "./.github/secflow.yml", "config")).toBe(".github/secflow.yml");
    expect(() => repositoryPath(ws, "../elsewhere.yml", "config")).toThrow(
      /Input "config".*not a file inside/,
    );
  });
});

describe("readRepositoryFile", () => {
  it("reads files and says undefined for a missing one", async () => {
    expect(await readRepositoryFile(repo.dir, "README.md")).toBe("hi\n");
    expect(await readRepositoryFile(repo.dir, "nope.txt")).toBeUndefined();
  });

  it("refuses a symlink out of the repository without reading it (attack: requirements.txt -> environ)", async () => {
    await symlink(path.join(outside, "environ"), path.join(repo.dir, "requirements.txt"));
    const error = await readRepositoryFile(repo.dir, "requirements.txt").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /requirements.txt is a symbolic link that leads out of the repository/,
    );
    expect((error as Error).message).not.toMatch(/ghs_secretvalue/);
  });

  it("refuses a file whose folder is a symlink out of the repository", async () => {
    await symlink(outside, path.join(repo.dir, "linked"));
    await expect(readRepositoryFile(repo.dir, "linked/environ")).rejects.toThrow(
      /leads out of the repository/,
    );
  });

  it("follows a symlink that stays inside (positive control)", async () => {
    await mkdir(path.join(repo.dir, "alias"), { recursive: true });
    await symlink("../services/api/package-lock.json", path.join(repo.dir, "alias/package-lock.json"));
    expect(await readRepositoryFile(repo.dir, "alias/package-lock.json")).toBe("{}\n");
  });

  it("reads a file whose name starts with two dots (it is inside)", async () => {
    await writeFile(path.join(repo.dir, "..notes"), "inside\n");
    expect(await readRepositoryFile(repo.dir, "..notes")).toBe("inside\n");
  });

  it("refuses paths that climb out and files over the size bound", async () => {
    await expect(readRepositoryFile(repo.dir, "../x")).rejects.toThrow(/outside the repository/);
    await expect(readRepositoryFile(repo.dir, "README.md", { maxBytes: 2 })).rejects.toThrow(
      /more than the 2/,
    );
  });
});
