// The lockfiles stage: find the lockfiles under the scanned folder and read them from the
// working tree (through the kit's repository reader), dev-only packages left out on request.

import type { ActionIO } from "@secflow/kit";
import { discoverLockfiles } from "./lockfiles/discover.ts";
import type { FileRead } from "./lockfiles/inputs.ts";
import { readLockfiles, workingTree } from "./lockfiles/read.ts";
import type { Package, ParsedLockfile, ScanNotes } from "./model.ts";
import { type ScanSetup, shownPath } from "./scan-setup.ts";

export interface HeadLockfiles {
  lockfiles: ParsedLockfile[];
  /** Every package read. */
  all: Package[];
  /** The packages judged: all, or all but the dev-only ones. */
  scanned: Package[];
  /** Per lockfile, the files its reading read: where all are unchanged, the base needs no parse. */
  inputs: ReadonlyMap<string, readonly FileRead[]>;
}

export async function readHeadLockfiles(
  setup: ScanSetup,
  globs: readonly string[],
  notes: ScanNotes,
  io: ActionIO,
): Promise<HeadLockfiles> {
  const { workspace, config } = setup;
  const files = await discoverLockfiles(workspace, globs, config["ignore-paths"] ?? []);
  if (files.length === 0) {
    notes.warnings.push(
      `No lockfiles found under ${shownPath(workspace, workspace.scanRoot)}${globs.length ? ` matching ${globs.join(", ")}` : ""}.`,
    );
  }
  const read = await readLockfiles(files, workingTree(workspace.root));
  notes.skipped.push(...read.unreadable, ...read.lockfiles.flatMap((l) => l.skipped));
  for (const skip of read.ignored) io.info(`Not read: ${skip.subject}: ${skip.reason}.`);
  io.info(
    `Read ${read.lockfiles.length} lockfile(s): ${read.lockfiles.map((l) => `${l.path} (${l.packages.length} packages)`).join(", ") || "none"}`,
  );
  const all = read.lockfiles.flatMap((l) => l.packages);
  const scanned = setup.excludeDev ? all.filter((p) => p.scope !== "dev") : all;
  return { lockfiles: read.lockfiles, all, scanned, inputs: read.inputs };
}
