import { EXIT, type Terminal } from "../terminal.ts";

export async function demoCommand(_args: string[], term: Terminal): Promise<number> {
  term.err("secflow demo: not built yet");
  return EXIT.failed;
}
