import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined | null = null;

/**
 * A full garbage collection, when the runtime allows one (else nothing). Reading a folder parses
 * hundreds of thousands of files, and V8 lets that garbage grow to several hundred megabytes
 * before it collects on its own; collecting every few thousand files keeps the process's peak
 * within the memory a runner has to spare next to the database.
 */
export function collectGarbage(): void {
  if (gc === null) {
    try {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    } catch {
      gc = undefined;
    }
  }
  gc?.();
}
