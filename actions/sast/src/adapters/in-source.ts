import { isUserError } from "@secflow/errors";
import { readRepositoryFile } from "@secflow/kit";
import type { Finding } from "../report.ts";

/**
 * Calls `mark` once per flagged file with its text and its findings, so a tool's suppression
 * comments can be read where the tool itself would have read them. A file that cannot be read
 * (gone, or a link out of the repository) keeps its findings as they are: unsuppressed.
 */
export async function forEachFlaggedFile(
  findings: readonly Finding[],
  repoRoot: string,
  mark: (source: string, findings: Finding[]) => void,
): Promise<void> {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = byFile.get(finding.path);
    if (list) list.push(finding);
    else byFile.set(finding.path, [finding]);
  }
  for (const [file, list] of byFile) {
    const source = await readRepositoryFile(repoRoot, file).catch((error: unknown) => {
      if (isUserError(error) || (error as NodeJS.ErrnoException).code !== undefined) return undefined;
      throw error;
    });
    if (source !== undefined) mark(source, list);
  }
}
