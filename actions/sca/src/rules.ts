// Rules: one per advisory (named after its preferred id), and one per license problem. Help is
// Markdown built from advisory data, which is third-party text and so escaped.

import { codeSpan, escapeMarkdown } from "@secflow/kit";
import type { RuleInput } from "@secflow/sarif";
import type { Ecosystem, LicenseProblem, VulnFinding } from "./model.ts";
import { describeAffected, fixedVersions } from "./osv/fixes.ts";
import { advisoryCwes } from "./osv/severity.ts";
import type { OsvRecord } from "./osv/types.ts";

export function advisoryUrl(id: string): string {
  return id.startsWith("GHSA-")
    ? `https://github.com/advisories/${id}`
    : `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}

export function advisoryRule(finding: VulnFinding, ecosystem: Ecosystem): RuleInput {
  const { advisory } = finding;
  const records = [advisory, ...finding.related];
  const aliases = finding.ids.filter((id) => id !== advisory.id);
  const summary =
    firstText(records.map((r) => r.summary)) ?? `Vulnerability ${advisory.id} in ${finding.package.name}`;
  const details = firstText(records.map((r) => r.details));
  const names = packageNames(advisory, ecosystem);
  const lines: string[] = [`**${escapeMarkdown(summary)}**`, ""];
  if (aliases.length) lines.push(`Also known as: ${aliases.map(escapeMarkdown).join(", ")}`, "");
  if (finding.detailsMissing)
    lines.push("The advisory's details could not be fetched; see the link below.", "");
  for (const name of names) {
    const ranges = describeAffected(advisory, ecosystem, name);
    const fixed = fixedVersions(advisory, ecosystem, name);
    lines.push(
      `- ${codeSpan(name)}: affected ${ranges.length ? ranges.map(codeSpan).join(", ") : "(no ranges given)"}; ${fixed.length ? `fixed in ${fixed.map(codeSpan).join(", ")}` : "no fixed version"}`,
    );
  }
  const references = records.flatMap((r) => r.references ?? []).filter((r) => /^https?:\/\//.test(r.url));
  const links = [advisoryUrl(advisory.id), ...references.map((r) => r.url)].filter(
    (url, i, all) => all.indexOf(url) === i,
  );
  lines.push(
    "",
    "References:",
    ...links.slice(0, 15).map((url) => `- <${url.replace(/[<>\s]/g, encodeURIComponent)}>`),
  );
  const text = [
    summary,
    details ?? "",
    aliases.length ? `Also known as: ${aliases.join(", ")}` : "",
    `More: ${advisoryUrl(advisory.id)}`,
  ]
    .filter(Boolean)
    .join("\n\n");
  return {
    id: advisory.id,
    shortDescription: summary,
    fullDescription: details ? truncate(details, 1000) : summary,
    helpText: text,
    helpMarkdown: lines.join("\n"),
    helpUri: advisoryUrl(advisory.id),
    cwe: [...new Set(records.flatMap(advisoryCwes))],
    tags: ["dependency", "vulnerability"],
    severity: finding.score ?? finding.severity,
  };
}

const LICENSE_RULES: Record<
  LicenseProblem,
  { id: string; short: string; severity: "high" | "medium" | "low" }
> = {
  denied: { id: "license-denied", short: "Dependency with a denied license", severity: "high" },
  "not-allowed": {
    id: "license-not-allowed",
    short: "Dependency with a license outside the allow list",
    severity: "medium",
  },
  unknown: { id: "license-unknown", short: "Dependency whose license is unknown", severity: "low" },
};

export function licenseRuleId(problem: LicenseProblem): string {
  return LICENSE_RULES[problem].id;
}

export function licenseRule(problem: LicenseProblem, policy: { allow: string[]; deny: string[] }): RuleInput {
  const rule = LICENSE_RULES[problem];
  const policyText = [
    policy.deny.length ? `denied: ${policy.deny.join(", ")}` : "",
    policy.allow.length ? `allowed: ${policy.allow.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  const what =
    problem === "unknown"
      ? "The lockfile records no license for this package, or one that is not an SPDX expression, so the license policy could not judge it. Check the package's license by hand."
      : "The package's license does not meet the team's license policy. Replace the package, or change the policy in .github/secflow.yml (sca.licenses) if the license is acceptable.";
  return {
    id: rule.id,
    shortDescription: rule.short,
    fullDescription: `${rule.short} (policy: ${policyText}).`,
    helpText: `${what}\n\nPolicy: ${policyText}.`,
    helpMarkdown: `${escapeMarkdown(what)}\n\nPolicy: ${escapeMarkdown(policyText)}.`,
    tags: ["dependency", "license"],
    severity: rule.severity,
  };
}

function packageNames(record: OsvRecord, ecosystem: Ecosystem): string[] {
  const names = (record.affected ?? [])
    .filter((a) => a.package && (a.package.ecosystem.split(":")[0] ?? "") === ecosystem)
    .map((a) => a.package?.name as string);
  return [...new Set(names)];
}

function firstText(values: (string | undefined)[]): string | undefined {
  return values.find((v): v is string => typeof v === "string" && v.trim() !== "")?.trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
