import { Writable } from "node:stream";
import { type ConsoleIO, consoleIO } from "../src/io.ts";

/** A ConsoleIO whose printed lines are kept for the test to read (`printed()`), not shown. */
export function capturedIO(): { io: ConsoleIO; printed: () => string } {
  let printed = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      printed += String(chunk);
      done();
    },
  });
  return { io: consoleIO({ stream }), printed: () => printed };
}
