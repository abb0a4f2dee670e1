import type { FileHandle } from "node:fs/promises";

/**
 * A file's bytes, chunk by chunk, read into one buffer again and again: a chunk is valid only
 * until the next one is asked for (copy what you keep). A new buffer per chunk, as a read stream
 * allocates, left the C library's heap holding hundreds of megabytes of freed chunks.
 */
export async function* fileChunks(handle: FileHandle, chunkBytes: number): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}
