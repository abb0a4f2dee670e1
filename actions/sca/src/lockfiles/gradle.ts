// gradle.lockfile: "group:artifact:version=configuration,…" per line. The configurations tell
// test-only dependencies apart; the lockfile does not say which are direct.

import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { makePackage } from "./package.ts";
import { LockfileError, type LockfileInput } from "./types.ts";

export async function parseGradleLockfile(input: LockfileInput): Promise<ParsedLockfile> {
  const skipped: Skip[] = [];
  const packages: Package[] = [];
  let recognised = 0;
  input.text.split(/\r?\n/).forEach((raw, i) => {
    const text = raw.trim();
    if (text === "" || text.startsWith("#")) return;
    if (text.startsWith("empty=")) {
      recognised++;
      return;
    }
    const match = /^([^:=\s]+):([^:=\s]+):([^:=\s]+)(?:=(.*))?$/.exec(text);
    if (!match) {
      skipped.push({
        subject: `${input.path}:${i + 1}`,
        reason: `"${text.slice(0, 80)}" is not group:artifact:version; not checked`,
      });
      return;
    }
    recognised++;
    const [, group = "", artifact = "", version = "", configurations = ""] = match;
    const confs = configurations.split(",").filter(Boolean);
    const dev = confs.length > 0 && confs.every((c) => /test/i.test(c));
    const name = `${group}:${artifact}`;
    packages.push(
      makePackage(
        "Maven",
        name,
        version,
        { lockfile: input.path, line: i + 1 },
        { relation: "unknown", scope: dev ? "dev" : "runtime", path: [name] },
      ),
    );
  });
  if (recognised === 0 && skipped.length > 0)
    throw new LockfileError(
      `${input.path}: no line reads as group:artifact:version=configurations; is it a Gradle lockfile?`,
    );
  return { path: input.path, ecosystem: "Maven", packages, skipped };
}
