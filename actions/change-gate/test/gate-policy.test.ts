import { describe, expect, it } from "vitest";
import { gatePolicy } from "../src/gate-policy.ts";

const inputs = { expected: [], configFile: ".github/secflow.yml" };

describe("the gate policy", () => {
  it("has the issue's defaults when nothing is configured", () => {
    const policy = gatePolicy({}, inputs);
    expect(policy.findings.sast).toEqual({ fail: "high", review: "none" });
    expect(policy.findings.sca).toEqual({ fail: "high", review: "none" });
    expect(policy.policyChanges).toEqual({ fail: "none", review: "none" });
    expect(policy.escalations).toBe("review");
    expect(policy.batch).toEqual({ maxLines: 1000, action: "review" });
    expect(policy.onMissing).toBe("fail");
    expect(policy.requireApprovalOfHead).toBe(true);
    expect(policy.approvers.source).toBe("repository-access");
    // The configuration file itself is always sensitive.
    expect(policy.sensitivePaths).toEqual([".github/secflow.yml", "**/.gitattributes"]);
    // Fail closed: every category is expected until the team opts out.
    expect(policy.expected).toEqual(["sast", "sca", "policy"]);
    expect(policy.expectedSource).toBe("default: every category");
    expect(policy.suppressions).toEqual({ sast: "medium", sca: "medium" });
    expect(policy.waiverMaxDays).toBe(90);
    expect(policy.approval).toEqual({ count: 1, allowAuthor: false, allowContributors: false });
  });

  it("lets the base configuration opt out of categories, and the input only add them", () => {
    const config = { gate: { expected: [] } };
    expect(gatePolicy(config, inputs).expected).toEqual([]);
    expect(gatePolicy(config, inputs).expectedSource).toBe("gate.expected (base commit)");
    expect(gatePolicy(config, { ...inputs, expected: ["sca"] }).expected).toEqual(["sca"]);
  });

  it("lets categories override new-findings, field by field", () => {
    const policy = gatePolicy(
      {
        gate: {
          "new-findings": { fail: "critical", review: "medium" },
          categories: { sca: { fail: "high" } },
        },
      },
      inputs,
    );
    expect(policy.findings.sast).toEqual({ fail: "critical", review: "medium" });
    expect(policy.findings.sca).toEqual({ fail: "high", review: "medium" });
  });

  it("takes the stricter of input and configuration, so the workflow can only tighten the gate", () => {
    const config = { gate: { "on-missing": "review" as const, expected: ["sast" as const] } };
    expect(gatePolicy(config, inputs).onMissing).toBe("review");
    expect(gatePolicy(config, { ...inputs, onMissing: "fail" }).onMissing).toBe("fail");
    expect(gatePolicy({ gate: { "on-missing": "fail" } }, { ...inputs, onMissing: "review" }).onMissing).toBe(
      "fail",
    );
    expect(gatePolicy(config, { ...inputs, expected: ["sca"] }).expected).toEqual(["sast", "sca"]);
  });

  it("falls back to the policy's security owners as approvers", () => {
    const policy = gatePolicy({ policy: { "security-owners": ["@sec-alice", "@acme/security"] } }, inputs);
    expect(policy.approvers).toEqual({
      users: ["sec-alice"],
      teams: ["acme/security"],
      source: "policy.security-owners",
    });
  });
});
