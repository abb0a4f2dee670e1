import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { UserError } from "@secflow/errors";
import { runTool, type ToolResult } from "./tool.ts";

export type ChangeStatus = "added" | "modified" | "deleted" | "renamed";

export interface ChangedFile {
  /** Repository-relative POSIX path in head (the old path for a deleted file). */
  path: string;
  /** The path in base, for a renamed file. */
  previousPath?: string;
  status: ChangeStatus;
  /** Lines added and deleted; 0 for binary files. */
  additions: number;
  deletions: number;
}

export interface LineRange {
  start: number;
  end: number;
}

// Plain, stable output whatever the user's git config says: unquoted UTF-8 names, no pager,
// no prompts, English messages (we recognise a few of them).
const GLOBAL_ARGS = ["-c", "core.quotePath=false", "--no-pager"];
const GIT_ENV = { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" };
// Diff options that user config could otherwise change, and no external diff or textconv
// programs: a pull request must not choose what runs while we read it.
const DIFF_ARGS = [
  "--no-ext-diff",
  "--no-textconv",
  "--no-color",
  "--no-relative",
  "-M",
  "--src-prefix=a/",
  "--dst-prefix=b/",
];
export const FETCH_HINT = "fetch it first; with actions/checkout set fetch-depth: 0";

async function runGit(
  args: string[],
  cwd: string,
  input?: string,
  env?: Record<string, string>,
): Promise<ToolResult> {
  const result = await runTool({
    tool: "git",
    args: [...GLOBAL_ARGS, ...args],
    cwd,
    env: env ? { ...env, ...GIT_ENV } : GIT_ENV,
    ...(input !== undefined ? { input } : {}),
    // Tree listings of big monorepos run to tens of MiB; strings stop near 512 MiB.
    maxOutputBytes: 256 * 1024 * 1024,
    installHint: "install git, e.g. apt-get install git",
  });
  if (result.exitCode !== 0 && /not a git repository/i.test(result.stderr)) {
    throw new UserError(
      `${cwd} is not a git repository (check the repository out first, e.g. with actions/checkout).`,
    );
  }
  return result;
}

/**
 * Runs git with an argument vector (and `input` on its stdin) and returns its stdout; a failure
 * throws. `env` adds variables for this process (GIT_INDEX_FILE, say).
 */
export async function git(
  args: string[],
  cwd: string,
  input?: string,
  env?: Record<string, string>,
): Promise<string> {
  const result = await runGit(args, cwd, input, env);
  if (result.exitCode === 0) return result.stdout;
  const message = result.stderr.trim().split("\n")[0] ?? "";
  if (/unknown revision|bad revision|invalid object name|not a valid object name/i.test(message)) {
    throw new UserError(`${message.replace(/^fatal: /, "")} (${FETCH_HINT})`);
  }
  throw new Error(`git ${args.join(" ")} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`);
}

/** The commit SHA a ref names, or undefined when it does not exist here. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  if (ref === "") return undefined;
  // --end-of-options: a ref such as "--output=x" is a name, not an option.
  const result = await runGit(
    ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`],
    cwd,
  );
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** The commit SHA a ref names; a UserError naming the ref when it does not exist. */
export async function revParse(cwd: string, ref: string): Promise<string> {
  const sha = await resolveCommit(cwd, ref);
  if (sha === undefined) {
    throw new UserError(`Git ref "${ref}" does not exist in ${cwd} (${FETCH_HINT}).`);
  }
  return sha;
}

/**
 * The best common ancestor of two commits, or undefined when they share no history here, or
 * when either does not name a commit here. One process: merge-base resolves both names itself
 * (as `rev-parse <name>^{commit}` would) and fails for a missing one; every git process costs a fork.
 */
export async function mergeBaseOf(cwd: string, a: string, b: string): Promise<string | undefined> {
  if (a === "" || b === "") return undefined;
  // --end-of-options: a name such as "--all" is a name, not an option.
  const result = await runGit(["merge-base", "--end-of-options", a, b], cwd);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** The best common ancestor of two refs; a UserError when they share no history here. */
export async function mergeBase(cwd: string, a: string, b: string): Promise<string> {
  const found = await mergeBaseOf(cwd, a, b);
  if (found) return found;
  await Promise.all([revParse(cwd, a), revParse(cwd, b)]); // names a ref that does not exist
  throw new UserError(
    `"${a}" and "${b}" have no common ancestor in ${cwd}; the history may be shallow (${FETCH_HINT}).`,
  );
}

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

function parseTree(output: string): TreeEntry[] {
  return splitNul(output).map((record) => {
    const tab = record.indexOf("\t");
    const [mode = "", type = "", oid = ""] = record.slice(0, tab).split(" ");
    return { mode, type, oid, path: record.slice(tab + 1) };
  });
}

/** The text of a file at a ref, or undefined when the file does not exist there. */
export async function readFileAtRef(cwd: string, ref: string, file: string): Promise<string | undefined> {
  const sha = await revParse(cwd, ref);
  const wanted = path.posix.normalize(file).replace(/^(\.\/|\/)+/, "");
  if (wanted === "" || wanted === ".") return undefined;
  // ls-tree with a literal pathspec rather than "<sha>:<path>", which reads "./x" relative to cwd.
  const entries = parseTree(
    await git(["--literal-pathspecs", "ls-tree", "-z", "--full-tree", sha, "--", wanted], cwd),
  );
  const entry = entries.find((e) => e.path === wanted && e.type === "blob");
  return entry ? git(["cat-file", "blob", entry.oid], cwd) : undefined;
}

/** Every file (blob) in the tree of a ref, as repository-relative POSIX paths. */
export async function listFilesAtRef(cwd: string, ref: string): Promise<string[]> {
  const sha = await revParse(cwd, ref);
  const entries = parseTree(await git(["ls-tree", "-r", "-z", "--full-tree", sha], cwd));
  return entries.filter((e) => e.type === "blob").map((e) => e.path);
}

/**
 * The commits to diff for "what head changes against base": the merge base of the two and
 * head, as GitHub's pull-request diff does, so commits added to base since do not show up.
 */
async function diffEndpoints(cwd: string, base: string, head: string): Promise<[string, string]> {
  const [from, to] = await Promise.all([mergeBase(cwd, base, head), revParse(cwd, head)]);
  return [from, to];
}

/** The files head changes against its merge base with base, with line counts. */
export async function changedFiles(cwd: string, base: string, head: string): Promise<ChangedFile[]> {
  const [from, to] = await diffEndpoints(cwd, base, head);
  // One -z output holds the raw records (status) and then the numstat records (counts).
  const tokens = splitNul(await git(["diff", ...DIFF_ARGS, "--raw", "--numstat", "-z", from, to], cwd));
  const files: ChangedFile[] = [];
  const counts = new Map<string, { additions: number; deletions: number }>();
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] ?? "";
    if (token.startsWith(":")) {
      // ":<old mode> <new mode> <old oid> <new oid> <status>", then one or two paths.
      const letter = token.split(" ")[4]?.[0];
      if (letter === "R" || letter === "C") {
        const previousPath = tokens[i + 1] ?? "";
        const newPath = tokens[i + 2] ?? "";
        files.push(file(newPath, letter === "R" ? "renamed" : "added", previousPath));
        i += 3;
      } else {
        files.push(
          file(tokens[i + 1] ?? "", letter === "A" ? "added" : letter === "D" ? "deleted" : "modified"),
        );
        i += 2;
      }
    } else {
      // "<added>\t<deleted>\t<path>", or "<added>\t<deleted>\t" then old and new path for a rename.
      const first = token.indexOf("\t");
      const second = token.indexOf("\t", first + 1);
      const count = (text: string) => (text === "-" ? 0 : Number(text));
      const value = {
        additions: count(token.slice(0, first)),
        deletions: count(token.slice(first + 1, second)),
      };
      const inline = token.slice(second + 1);
      if (inline === "") {
        counts.set(tokens[i + 2] ?? "", value);
        i += 3;
      } else {
        counts.set(inline, value);
        i += 1;
      }
    }
  }
  for (const changed of files) Object.assign(changed, counts.get(changed.path));
  return files;
}

function file(filePath: string, status: ChangeStatus, previousPath?: string): ChangedFile {
  return previousPath === undefined
    ? { path: filePath, status, additions: 0, deletions: 0 }
    : { path: filePath, previousPath, status, additions: 0, deletions: 0 };
}

/** Renamed files: old path → new path. */
export async function renames(cwd: string, base: string, head: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const changed of await changedFiles(cwd, base, head)) {
    if (changed.status === "renamed" && changed.previousPath !== undefined) {
      result.set(changed.previousPath, changed.path);
    }
  }
  return result;
}

/** The lines head adds or changes, per file in head, as 1-based inclusive ranges. */
export async function changedLines(
  cwd: string,
  base: string,
  head: string,
): Promise<Map<string, LineRange[]>> {
  const [from, to] = await diffEndpoints(cwd, base, head);
  const patch = await git(["diff", ...DIFF_ARGS, "-U0", from, to], cwd);
  const result = new Map<string, LineRange[]>();
  let current: LineRange[] | undefined;
  // Hunk bodies are skipped by count, so an added line reading "++ b/x" is never a header.
  let pending = 0;
  for (const line of patch.split("\n")) {
    if (pending > 0) {
      if (line.startsWith("+") || line.startsWith("-")) pending--;
      continue;
    }
    if (line.startsWith("diff ")) {
      current = undefined; // binary and mode-only changes have no "+++" header
    } else if (line.startsWith("+++ ")) {
      const name = parseHeaderPath(line.slice(4));
      current = undefined;
      if (name !== undefined) {
        current = [];
        result.set(name, current);
      }
    } else if (line.startsWith("@@ ")) {
      const match = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!match) continue;
      const removed = match[1] === undefined ? 1 : Number(match[1]);
      const start = Number(match[2]);
      const added = match[3] === undefined ? 1 : Number(match[3]);
      pending = removed + added;
      if (added > 0) current?.push({ start, end: start + added - 1 });
    }
  }
  for (const [name, ranges] of result) if (ranges.length === 0) result.delete(name);
  return result;
}

/** The path in a "+++ " header line: "b/<path>", maybe C-quoted, maybe followed by a tab. */
function parseHeaderPath(text: string): string | undefined {
  // git appends a tab when the name holds a space; a name with a real tab is always quoted.
  const raw = text.endsWith("\t") ? text.slice(0, -1) : text;
  if (raw === "/dev/null") return undefined;
  const name = raw.startsWith('"') ? unquoteC(raw) : raw;
  return name.startsWith("b/") ? name.slice(2) : name;
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Undoes git's C-style quoting ("a\tb\303\251"); octal escapes are bytes of UTF-8. */
function unquoteC(quoted: string): string {
  const bytes: number[] = [];
  const body = quoted.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? "";
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(C_ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function splitNul(output: string): string[] {
  const tokens = output.split("\0");
  if (tokens.at(-1) === "") tokens.pop();
  return tokens;
}

/**
 * Runs fn in a temporary detached worktree checked out at ref, and always removes it.
 * Hooks are off: checking out an old commit must not run the developer's post-checkout hooks.
 */
export async function withWorktree<T>(cwd: string, ref: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const sha = await revParse(cwd, ref);
  const parent = await mkdtemp(path.join(tmpdir(), "secflow-worktree-"));
  const dir = path.join(parent, "tree");
  try {
    await git(["-c", "core.hooksPath=/dev/null", "worktree", "add", "--detach", "--quiet", dir, sha], cwd);
    return await fn(dir);
  } finally {
    await runGit(["worktree", "remove", "--force", dir], cwd).catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
    await runGit(["worktree", "prune"], cwd).catch(() => undefined);
  }
}
