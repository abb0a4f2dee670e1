import { describe, expect, it } from "vitest";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

const PAYMENTS = `# secflow-policy.yml
version: 1
service: payments-api
owner: "@acme/payments"
resources:
  - name: postgres://payments-db/payments
    access: read
  - name: s3://invoices
    access: write
secrets:
  - STRIPE_API_KEY
egress:
  - api.stripe.com:443
`;

const diff = diffCommitsCleanedUpAfterAll();

describe("service enrolment", () => {
  it("reports access widened, a new secret and a new host; and marks sensitive resources critical", async () => {
    const head = PAYMENTS.replace("access: read", "access: write")
      .replace("  - STRIPE_API_KEY\n", "  - STRIPE_API_KEY\n  - LEDGER_DB_PASSWORD\n")
      .replace("  - api.stripe.com:443\n", "  - api.stripe.com:443\n  - '*.amazonaws.com'\n");
    const config = "policy:\n  sensitive-resources: ['postgres://payments-db/**']\n";
    const { diff: d } = await diff(
      { "services/payments/secflow-policy.yml": PAYMENTS, ".github/secflow.yml": config },
      { "services/payments/secflow-policy.yml": head },
    );
    expect(brief(d)).toEqual([
      "widened escalation/critical service payments-api | write | postgres://payments-db/payments",
      "added escalation/high service payments-api | read secret | LEDGER_DB_PASSWORD",
      "added escalation/high service payments-api | egress | *.amazonaws.com",
    ]);
    expect(d.changes[0]).toMatchObject({
      sensitive: true,
      line: 6,
      before: "read on postgres://payments-db/payments",
      after: "write on postgres://payments-db/payments",
    });
  });

  it("pre-enrols a new service: every grant is new, its owner is neutral", async () => {
    const { diff: d } = await diff(
      { "README.md": "x" },
      { "services/payments/secflow-policy.yml": PAYMENTS },
    );
    expect(d.counts).toEqual({ escalations: 4, widenings: 0, neutral: 1, reductions: 0 });
    expect(brief(d).at(-1)).toBe("added neutral/info @acme/payments | owns | service payments-api");
  });

  it("reports nothing when the file is split in two and reordered, and reductions when access shrinks", async () => {
    const first =
      "version: 1\nservice: payments-api\nowner: '@acme/payments'\nsecrets: [STRIPE_API_KEY]\negress: [API.STRIPE.COM:443]\n";
    const second =
      "---\nversion: 1\nservice: payments-api\nowner: '@acme/payments'\nresources:\n  - { access: write, name: s3://invoices }\n  - { access: read, name: postgres://payments-db/payments }\n";
    const { diff: same } = await diff(
      { "secflow-policy.yml": PAYMENTS },
      { "secflow-policy.yml": first, "billing/secflow-policy.yaml": second },
    );
    expect(same.changes).toEqual([]);
    const { diff: smaller } = await diff(
      { "secflow-policy.yml": PAYMENTS },
      {
        "secflow-policy.yml": PAYMENTS.replace("access: write", "access: read").replace(
          "egress:\n  - api.stripe.com:443\n",
          "",
        ),
      },
    );
    expect(brief(smaller)).toEqual([
      "narrowed reduction/info service payments-api | write | s3://invoices",
      "removed reduction/info service payments-api | egress | api.stripe.com:443",
    ]);
    expect(smaller.changes[1]).toMatchObject({ side: "base", line: 13, file: "secflow-policy.yml" });
  });

  it("names the file, line and property of an enrolment that breaks the schema", async () => {
    const bad = PAYMENTS.replace("access: write", "access: owner");
    const { diff: d } = await diff({ "secflow-policy.yml": PAYMENTS }, { "secflow-policy.yml": bad });
    expect(d.changes).toEqual([]);
    expect(d.unreadable).toEqual([
      {
        file: "secflow-policy.yml",
        ref: "head",
        reason:
          "line 9: resources.1.access must be one of read, write, admin (see schema/secflow-policy.schema.json)",
      },
    ]);
  });
});
