import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CHUNK_BYTES = 4 << 20;
const NEWLINE = 0x0a;

/**
 * Lines of text (JSON without raw newlines) kept in a temporary file instead of memory, and
 * read back in order: what a log of any size produces in bulk, such as every result of a base
 * log that the head no longer has.
 */
export class Spill {
  private readonly dir = mkdtempSync(join(tmpdir(), "secflow-spill-"));
  private readonly fd = openSync(join(this.dir, "lines"), "w+");
  private pending: string[] = [];
  private pendingChars = 0;
  private written = 0;

  push(line: string): void {
    this.pending.push(line);
    this.pendingChars += line.length + 1;
    if (this.pendingChars > CHUNK_BYTES) this.flush();
  }

  /** The lines in the order they were pushed. */
  *lines(): Generator<string> {
    this.flush();
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let carried: Buffer = Buffer.alloc(0);
    for (let position = 0; position < this.written; ) {
      const read = readSync(this.fd, buffer, 0, buffer.length, position);
      position += read;
      // Whole lines only: a chunk may end inside a line, or inside a character.
      let bytes =
        carried.length > 0 ? Buffer.concat([carried, buffer.subarray(0, read)]) : buffer.subarray(0, read);
      for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE)) {
        yield bytes.toString("utf8", 0, end);
        bytes = bytes.subarray(end + 1);
      }
      carried = Buffer.from(bytes);
    }
  }

  /** Removes the file. */
  dispose(): void {
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(`${this.pending.join("\n")}\n`);
    let done = 0;
    while (done < bytes.length)
      done += writeSync(this.fd, bytes, done, bytes.length - done, this.written + done);
    this.written += bytes.length;
    this.pending = [];
    this.pendingChars = 0;
  }
}
