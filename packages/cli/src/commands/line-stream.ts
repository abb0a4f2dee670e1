import { Writable } from "node:stream";

/** A stream that hands each written line to `write`, for routing consoleIO into a Terminal. */
export function lineStream(write: (line: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      write(String(chunk).replace(/\n$/, ""));
      done();
    },
  });
}
