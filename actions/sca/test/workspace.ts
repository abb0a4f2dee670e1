// Real git repositories in temp folders for end-to-end runs (the kit's tempRepo, plus copying
// fixtures in), and the runner's event environment for real payloads (the kit's eventEnv).

import { cp, mkdir } from "node:fs/promises";
import path from "node:path";
import { type TempRepo, tempRepo } from "@secflow/kit/testing";
import { FIXTURES } from "./helpers.ts";

export { eventEnv } from "@secflow/kit/testing";

export interface Workspace extends TempRepo {
  /** Copies a fixture file or folder to a path in the repository. */
  copy(fixture: string, to: string): Promise<void>;
}

export async function workspace(): Promise<Workspace> {
  const repo = await tempRepo("sca-ws-");
  return {
    ...repo,
    copy: async (fixture, to) => {
      await mkdir(path.dirname(path.join(repo.dir, to)), { recursive: true });
      await cp(path.join(FIXTURES, fixture), path.join(repo.dir, to), { recursive: true });
    },
  };
}
