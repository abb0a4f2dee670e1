import { mkdir, open, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type * as Sarif from "sarif";
import { logParts } from "./stream-writer.ts";

/** Writes a log as JSON, creating the folder; returns the path. Compact unless `pretty`. */
export async function writeSarifFile(
  file: string,
  log: Sarif.Log,
  options: { pretty?: boolean } = {},
): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(log, null, options.pretty ? 2 : undefined)}\n`);
  return file;
}

/** Bytes gathered before each write: few system calls, little memory. */
const CHUNK = 1 << 20;

/**
 * Writes a log whose results are given as JSON text, compact, creating the folder; returns the
 * path. `log` holds everything but the results; `results(runIndex)` gives the text between the
 * brackets of each run's `results`, in pieces. The document is never one string in memory.
 */
export async function writeSarifStream(
  file: string,
  log: Sarif.Log,
  results: (run: number) => readonly string[],
): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(file, "w");
  let writing: Promise<unknown> = Promise.resolve();
  try {
    // Pieces are encoded into a buffer while the other one is being written: cheaper than
    // joining them into strings first, and the disk is kept busy.
    const buffers = [Buffer.allocUnsafe(2 * CHUNK), Buffer.allocUnsafe(2 * CHUNK)];
    let buffer = buffers[0] as Buffer;
    let used = 0;
    const flush = async () => {
      await writing;
      writing = handle.write(buffer, 0, used);
      buffer = buffer === buffers[0] ? (buffers[1] as Buffer) : (buffers[0] as Buffer);
      used = 0;
    };
    for (const part of logParts(log)) {
      for (const piece of typeof part === "string" ? [part] : results(part)) {
        // At most 3 bytes per UTF-16 code unit.
        if (used + 3 * piece.length > buffer.length) {
          await flush();
          if (3 * piece.length > buffer.length) {
            await writing;
            writing = handle.write(piece);
            continue;
          }
        }
        used += buffer.write(piece, used);
      }
    }
    await flush();
    await writing;
  } finally {
    await writing.catch(() => {}); // settled before closing; its error, if any, was thrown above
    await handle.close();
  }
  return file;
}
