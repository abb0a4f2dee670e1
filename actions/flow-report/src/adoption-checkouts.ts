// Workflow files from a folder of local checkouts (`secflow report --checkouts ~/src/acme`):
// <folder>/<name> is the repository <folder's name>/<name>, and <folder>/<owner>/<name> is
// <owner>/<name>. A checkout's files are untrusted: each is read through the kit's
// readRepositoryFile, which refuses a symbolic link that leads out of the repository. The local
// composite actions the workflows call (`uses: ./.github/actions/scan`) are read the same way.
import { lstat, readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { UserError } from "@secflow/errors";
import { isInside, readRepositoryFile } from "@secflow/kit";
import {
  ACTION_FILES,
  countWorkflows,
  emptyWorkflowSync,
  localComposites,
  NO_ACTION_FILE,
  notRead,
  readWorkflowText,
  replaceWorkflows,
  WORKFLOW_LIMITS,
  type WorkflowRead,
  type WorkflowSync,
  walkComposites,
} from "./adoption-store.ts";
import { readActionFile, readWorkflowFile, staysInside, type Upstream } from "./adoption-uses.ts";
import type { Database } from "./database.ts";
import type { Progress } from "./ingest.ts";

const FOLDER = ".github/workflows";
const WORKFLOW_FILE = /\.ya?ml$/i;
/** More checkouts than any organisation has; a folder with more is not a folder of checkouts. */
const MAX_CHECKOUTS = 100_000;

export async function syncCheckouts(
  db: Database,
  folder: string,
  upstream: Upstream,
  progress: Progress,
  limits = WORKFLOW_LIMITS,
): Promise<WorkflowSync> {
  const checkouts = await findCheckouts(folder);
  const sync = emptyWorkflowSync();
  let lastReport = Date.now();
  for (const [i, checkout] of checkouts.entries()) {
    const reads = await readCheckout(checkout.root, upstream, limits);
    await replaceWorkflows(db, checkout.repository, "checkout", reads);
    countWorkflows(sync, checkout.repository, reads);
    if (Date.now() - lastReport > 5_000 && i + 1 < checkouts.length) {
      progress(`read the workflows of ${i + 1} of ${checkouts.length} checkouts`);
      lastReport = Date.now();
    }
  }
  return sync;
}

interface Checkout {
  repository: string;
  root: string;
}

/** A folder holding .git or .github is a checkout; symbolic links to folders are not followed. */
async function findCheckouts(folder: string): Promise<Checkout[]> {
  const info = await lstat(folder).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UserError(`checkouts: ${folder} is not a folder; name a folder of repository checkouts`);
  const isCheckout = async (dir: string) =>
    (await lstat(path.join(dir, ".git")).catch(() => undefined)) !== undefined ||
    (await lstat(path.join(dir, ".github")).catch(() => undefined))?.isDirectory() === true;
  const found: Checkout[] = [];
  const add = (owner: string, name: string, root: string) => {
    found.push({ repository: `${owner}/${name}`, root });
    if (found.length > MAX_CHECKOUTS)
      throw new UserError(`checkouts: ${folder} holds more than ${MAX_CHECKOUTS} checkouts`);
  };
  for (const entry of await subfolders(folder)) {
    const dir = path.join(folder, entry);
    if (await isCheckout(dir)) add(path.basename(path.resolve(folder)), entry, dir);
    else
      for (const name of await subfolders(dir)) {
        const inner = path.join(dir, name);
        if (await isCheckout(inner)) add(entry, name, inner);
      }
  }
  return found.sort((a, b) => a.repository.localeCompare(b.repository));
}

async function subfolders(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
}

async function readCheckout(root: string, upstream: Upstream, limits: typeof WORKFLOW_LIMITS) {
  const reads: WorkflowRead[] = [];
  const dir = path.join(root, FOLDER);
  const real = await realpath(dir).catch(() => undefined);
  if (!real) return reads; // no workflows
  if (!isInside(await realpath(root), real)) {
    reads.push(notRead(FOLDER, "a symbolic link that leads out of the repository; not read"));
    return reads;
  }
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => WORKFLOW_FILE.test(e.name) && (e.isFile() || e.isSymbolicLink()))
    .map((e) => e.name)
    .sort();
  for (const [i, name] of names.entries()) {
    const file = `${FOLDER}/${name}`;
    if (i >= limits.maxFiles) {
      reads.push(
        notRead(
          file,
          `more than ${limits.maxFiles} workflow files in the folder; this one and later ones were not read`,
        ),
      );
      continue;
    }
    const text = await readInside(root, file, limits, reads, "workflow");
    if (typeof text !== "string") continue;
    reads.push(readWorkflowText(file, text, null, (t, f) => readWorkflowFile(t, f, upstream)));
  }
  reads.push(...(await readComposites(root, reads, upstream, limits)));
  return reads;
}

/**
 * The local composite actions the reads call, and those they call in turn (walkComposites bounds
 * them): each folder's action.yml, else action.yaml, through readRepositoryFile. A folder with neither,
 * a path out of the repository or a link out of it is a problem, named like an unreadable workflow.
 */
async function readComposites(
  root: string,
  workflows: readonly WorkflowRead[],
  upstream: Upstream,
  limits: typeof WORKFLOW_LIMITS,
): Promise<WorkflowRead[]> {
  const reads: WorkflowRead[] = [];
  await walkComposites(workflows.flatMap(localComposites), limits, reads, async (folder) => {
    if (!staysInside(folder)) {
      reads.push(notRead(folder, "a local action path that leads out of the repository; not read", "action"));
      return [];
    }
    let text: string | undefined | null;
    let file = folder;
    for (const name of ACTION_FILES) {
      file = `${folder}/${name}`;
      text = await readInside(root, file, limits, reads, "action");
      if (text !== undefined) break; // read, or refused (and named in reads)
    }
    if (text === null) return [];
    const read =
      text === undefined
        ? notRead(folder, NO_ACTION_FILE, "action")
        : readWorkflowText(file, text, null, (t, f) => readActionFile(t, f, upstream), "action");
    reads.push(read);
    return localComposites(read);
  });
  return reads;
}

/**
 * A file's text through the kit's readRepositoryFile; undefined when there is none, null when it
 * was refused (a link out of the repository, too large), with the reason pushed to `reads`.
 */
async function readInside(
  root: string,
  file: string,
  limits: typeof WORKFLOW_LIMITS,
  reads: WorkflowRead[],
  kind: WorkflowRead["kind"],
): Promise<string | undefined | null> {
  let text: string | undefined;
  try {
    text = await readRepositoryFile(root, file, { maxBytes: limits.maxFileBytes });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    reads.push(notRead(file, withoutRepository(error.message, file), kind));
    return null;
  }
  if (text === undefined && kind === "workflow")
    reads.push(notRead(file, "not a file (a symbolic link to nothing?); not read"));
  return text;
}

/** The kit names the file first; the report names it in its own column. */
function withoutRepository(message: string, file: string): string {
  return message.startsWith(`${file} `) ? message.slice(file.length + 1) : message;
}
