import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PolicyDiff } from "@secflow/contracts";

export type { ChangeClass, PolicyChange, PolicyDiff, UnreadableFile } from "@secflow/contracts";
export { countChanges } from "@secflow/contracts";

export async function writeDiffFile(file: string, diff: PolicyDiff): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(diff, null, 2)}\n`);
}
