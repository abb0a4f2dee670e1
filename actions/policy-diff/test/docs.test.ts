import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readEnrolment } from "../src/readers/enrolment.ts";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string) => readFile(path.join(root, file), "utf8");

interface ActionYml {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string }>;
}

/** Rows of the Markdown table under a `## heading`. */
function tableUnder(markdown: string, heading: string): string[][] {
  const section = markdown.split(`\n## ${heading}\n`)[1]?.split("\n## ")[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) =>
      line
        .slice(1, -1)
        .split(" | ")
        .map((cell) => cell.trim()),
    );
}

describe("README", () => {
  it("lists exactly the inputs and outputs of action.yml, with their descriptions and defaults", async () => {
    const [readme, action] = await Promise.all([
      read("README.md"),
      read("action.yml").then((t) => parse(t) as ActionYml),
    ]);
    expect(tableUnder(readme, "Inputs")).toEqual(
      Object.entries(action.inputs).map(([name, input]) => [
        `\`${name}\``,
        input.description,
        // An input with no default (config, fail-on) has an empty cell.
        input.default === undefined ? "" : `\`${input.default === "" ? '""' : input.default}\``,
      ]),
    );
    expect(tableUnder(readme, "Outputs")).toEqual(
      Object.entries(action.outputs).map(([name, output]) => [`\`${name}\``, output.description]),
    );
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
