import path from "node:path";
import { git } from "@secflow/kit";

/**
 * The files of one commit and their contents, read straight from git (no checkout). Listing
 * gives each file's blob id, so a file unchanged between base and head is read once.
 */
export class CommitTree {
  private constructor(
    private readonly cwd: string,
    readonly sha: string,
    /** Repository-relative POSIX path → blob id. */
    readonly files: ReadonlyMap<string, string>,
    /** Paths that are symbolic links: their blob is the link's target, not a policy. */
    readonly links: ReadonlySet<string>,
    private readonly blobs: Map<string, Promise<string>>,
  ) {}

  /** `blobs` may be shared between trees of one repository. */
  static async list(
    cwd: string,
    sha: string,
    blobs = new Map<string, Promise<string>>(),
  ): Promise<CommitTree> {
    const output = await git(["ls-tree", "-r", "-z", "--full-tree", sha], cwd);
    const files = new Map<string, string>();
    const links = new Set<string>();
    for (const record of output.split("\0")) {
      const tab = record.indexOf("\t");
      if (tab === -1) continue;
      const [mode, type, oid] = record.slice(0, tab).split(" ");
      const file = record.slice(tab + 1);
      if (type !== "blob" || !oid) continue; // submodules
      files.set(file, oid);
      if (mode === "120000") links.add(file);
    }
    return new CommitTree(cwd, sha, files, links, blobs);
  }

  /**
   * What a file holds, comparable between commits: its blob id; for a symbolic link, the ids of
   * the link and of the file it leads to inside the repository (a change of the target is a
   * change of the link). Undefined when there is no such file, or a link leaves the repository,
   * loops or leads nowhere: then nothing says the content is the same.
   */
  async contentId(file: string): Promise<string | undefined> {
    const ids: string[] = [];
    let current = file;
    for (let hop = 0; hop < 8; hop++) {
      const oid = this.files.get(current);
      if (oid === undefined) return undefined;
      ids.push(oid);
      if (!this.links.has(current)) return ids.join(" ");
      const target = (await this.read(current)) ?? "";
      const next = path.posix.normalize(path.posix.join(path.posix.dirname(current), target));
      if (target.startsWith("/") || next === ".." || next.startsWith("../")) return undefined;
      current = next;
    }
    return undefined;
  }

  /** The text of a file of this commit, or undefined when it has no such file. */
  read(file: string): Promise<string> | undefined {
    const oid = this.files.get(file);
    if (oid === undefined) return undefined;
    let text = this.blobs.get(oid);
    if (!text) {
      text = git(["cat-file", "blob", oid], this.cwd);
      this.blobs.set(oid, text);
    }
    return text;
  }
}
