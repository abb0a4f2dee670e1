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
      const path = record.slice(tab + 1);
      if (type !== "blob" || !oid) continue; // submodules
      files.set(path, oid);
      if (mode === "120000") links.add(path);
    }
    return new CommitTree(cwd, sha, files, links, blobs);
  }

  /** The text of a file of this commit, or undefined when it has no such file. */
  read(path: string): Promise<string> | undefined {
    const oid = this.files.get(path);
    if (oid === undefined) return undefined;
    let text = this.blobs.get(oid);
    if (!text) {
      text = git(["cat-file", "blob", oid], this.cwd);
      this.blobs.set(oid, text);
    }
    return text;
  }
}
