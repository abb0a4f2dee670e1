import * as tar from "tar";

// The embedded database's one file is its data folder as a .tar (or .tar.gz), streamed to and
// from disk by node-tar (npm's own tar) so that memory never holds the whole database. PGlite's
// dumpDataDir writes the same format (names with a leading "/", which extracting strips), so a
// file it wrote loads here.

/** Bytes read from a file at a time: node-tar's default (16 MB) multiplied into peaks of 200 MB or more. */
const READ_BYTES = 1 << 20;

/** A file that is not a data folder archive: the message says which entry and why. */
class BadArchive extends Error {
  override readonly name = "BadArchive";
}

/**
 * Writes `dir` (a PostgreSQL data folder) to `file`, streaming; gzipped when asked. A plain tar
 * is the default because the caches that keep it (actions/cache: zstd) compress it anyway, and
 * inflating took a second of every report at 200,000 pull requests.
 */
export async function packFolder(dir: string, file: string, { gzip }: { gzip: boolean }): Promise<void> {
  // Level 1: the save is on every run's path; level 6 takes twice as long for a tenth less.
  await tar.create(
    { file, cwd: dir, gzip: gzip ? { level: 1 } : false, portable: true, maxReadSize: READ_BYTES },
    ["."],
  );
}

/**
 * Unpacks a .tar or .tar.gz of a data folder (node-tar tells them apart by their first bytes)
 * into `dir` (which must exist), streaming. The file comes
 * from a cache a workflow restores, so it is not trusted: an entry that would land outside the
 * folder ("../", an absolute path after the leading "/" is stripped), or that is anything but a
 * file or a folder (a link could point writes elsewhere), refuses the whole archive.
 */
export function unpackFolder(file: string, dir: string): void {
  let refused: string | undefined;
  try {
    // Synchronous, a megabyte at a time: the asynchronous extract queued writes behind the
    // inflater and peaked 120 MB higher (384 MB data folder), and nothing else runs meanwhile.
    tar.extract({
      sync: true,
      maxReadSize: READ_BYTES,
      file,
      cwd: dir,
      strict: true,
      filter: (entryPath, entry) => {
        const type = "type" in entry ? entry.type : undefined;
        if (type === "File" || type === "Directory") return true;
        refused ??= `the entry "${entryPath}" is a ${String(type)}; only files and folders belong in a data folder archive`;
        return false;
      },
    });
  } catch (error) {
    const message = (error as Error).message;
    throw new BadArchive(
      /\.\.|absolute/i.test(message) ? `an entry leaves the data folder (${message})` : message,
    );
  }
  if (refused) throw new BadArchive(refused);
}
