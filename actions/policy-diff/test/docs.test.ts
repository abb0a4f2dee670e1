import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { actionTables, tableRows } from "@secflow/kit/testing";
import { describe, expect, it } from "vitest";
import { readEnrolment } from "../src/readers/enrolment.ts";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string) => readFile(path.join(root, file), "utf8");

describe("README", () => {
  it("lists exactly the inputs and outputs of action.yml, with their descriptions and defaults", async () => {
    const [readme, actionYml] = await Promise.all([read("README.md"), read("action.yml")]);
    const expected = actionTables(actionYml);
    expect(tableRows(readme, "Input")).toEqual(expected.inputs);
    expect(tableRows(readme, "Output")).toEqual(expected.outputs);
  });

  it("shows an enrolment example that the schema accepts", async () => {
    const readme = await read("README.md");
    const example = /```yaml\n(# services\/payments\/secflow-policy\.yml[\s\S]*?)```/.exec(readme)?.[1];
    const grants = readEnrolment({
      path: "secflow-policy.yml",
      identityPath: "secflow-policy.yml",
      text: example ?? "",
    });
    expect(grants.map((g) => `${g.permission} ${g.resource}`)).toEqual([
      "owns service payments-api",
      "write postgres://payments-db/payments",
      "read arn:aws:s3:::acme-invoices/*",
      "read secret STRIPE_API_KEY",
      "egress api.stripe.com:443",
      "egress *.amazonaws.com",
    ]);
  });
});
