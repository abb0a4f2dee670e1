import { UserError } from "@secflow/errors";
import { describe, expect, it } from "vitest";
import {
  atLeast,
  levelForSeverity,
  maxSeverity,
  parseSeverity,
  parseThreshold,
  severityFromCvss,
  severityFromLabel,
  severityFromScore,
} from "../src/index.ts";

describe("severity ladder", () => {
  it("buckets scores as GitHub does", () => {
    expect([10, 9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1, 0].map(severityFromScore)).toEqual([
      "critical",
      "critical",
      "high",
      "high",
      "medium",
      "medium",
      "low",
      "low",
      "info",
    ]);
    expect(() => severityFromScore(11)).toThrow(UserError);
  });

  it("maps severity to SARIF level", () => {
    expect(
      ["critical", "high", "medium", "low", "info"].map((s) => levelForSeverity(parseSeverity(s, "x"))),
    ).toEqual(["error", "error", "warning", "note", "note"]);
  });

  it("scores CVSS v3.1, v4.0 and v2 vectors with the library", () => {
    // The minimist advisory GHSA-xvch-5gv4-984h publishes this vector as 9.8 CRITICAL.
    expect(severityFromCvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).toEqual({
      score: 9.8,
      severity: "critical",
    });
    expect(severityFromCvss("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N")).toEqual({
      score: 5.3,
      severity: "medium",
    });
    expect(severityFromCvss("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").severity).toBe(
      "critical",
    );
    expect(severityFromCvss("AV:N/AC:L/Au:N/C:P/I:P/A:P")).toEqual({ score: 7.5, severity: "high" });
    expect(() => severityFromCvss("CVSS:3.1/garbage")).toThrow(/not a valid CVSS vector/);
  });

  it("maps tool labels and refuses unknown user input", () => {
    expect(severityFromLabel("MODERATE")).toBe("medium");
    expect(severityFromLabel("ERROR")).toBe("high");
    expect(severityFromLabel("bogus")).toBeUndefined();
    expect(() => parseSeverity("severe", "fail-on")).toThrow(/fail-on: "severe" is not a severity/);
    expect(parseThreshold("NONE", "fail-on")).toBe("none");
  });

  it("compares against thresholds", () => {
    expect(atLeast("high", "medium")).toBe(true);
    expect(atLeast("low", "medium")).toBe(false);
    expect(atLeast("critical", "none")).toBe(false);
    expect(maxSeverity(["low", "critical", "medium"])).toBe("critical");
    expect(maxSeverity([])).toBeUndefined();
  });
});
