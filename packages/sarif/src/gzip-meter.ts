import { gzipSync } from "node:zlib";

/**
 * Counts the gzipped size of bytes written to it, chunk by chunk, and stops counting once past
 * `limit` (GitHub's upload limit is all that is asked of it). Each chunk is compressed on its own:
 * within a fraction of a percent of compressing the file whole, never less, and without holding
 * more than one chunk. `over` says the limit was passed; `bytes` then is a lower bound.
 */
export class GzipMeter {
  bytes = 0;
  /** Bytes written before the count stopped. */
  read = 0;

  constructor(readonly limit: number) {}

  get over(): boolean {
    return this.bytes > this.limit;
  }

  write(chunk: Buffer): void {
    if (this.over) return;
    this.bytes += gzipSync(chunk).length;
    this.read += chunk.length;
  }
}
