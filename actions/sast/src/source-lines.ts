import { isUserError } from "@secflow/errors";
import { readRepositoryFile } from "@secflow/kit";

/**
 * Reads flagged lines from the checkout, for results whose tool gives no code excerpt: the
 * snippet is what makes a finding's fingerprint survive code moving within the file. Files are
 * read through the kit's repository reader, so a symlink out of the repository is refused (the
 * finding gets no snippet) and nothing outside the repository ends up in the SARIF.
 */
export class SourceLines {
  private readonly files = new Map<string, Promise<string[] | undefined>>();

  constructor(private readonly root: string) {}

  /** The text of a 1-based line, or undefined when the file or line does not exist. */
  async line(relativePath: string, line: number): Promise<string | undefined> {
    let lines = this.files.get(relativePath);
    if (!lines) {
      lines = readRepositoryFile(this.root, relativePath).then(
        (text) => text?.split(/\r?\n/),
        // A link out of the repository (imported output may name one): no snippet, nothing read.
        (error: unknown) => {
          if (isUserError(error)) return undefined;
          throw error;
        },
      );
      this.files.set(relativePath, lines);
    }
    return (await lines)?.[line - 1];
  }
}
