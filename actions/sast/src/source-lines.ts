import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * Reads flagged lines from the checkout, for results whose tool gives no code excerpt: the
 * snippet is what makes a finding's fingerprint survive code moving within the file.
 */
export class SourceLines {
  private readonly files = new Map<string, Promise<string[] | undefined>>();

  constructor(private readonly repoRoot: string) {}

  /** The text of a 1-based line, or undefined when the file or line does not exist. */
  async line(relativePath: string, line: number): Promise<string | undefined> {
    let lines = this.files.get(relativePath);
    if (!lines) {
      lines = readFile(path.join(this.repoRoot, relativePath), "utf8").then(
        (text) => text.split(/\r?\n/),
        () => undefined,
      );
      this.files.set(relativePath, lines);
    }
    return (await lines)?.[line - 1];
  }
}
