// One profile-conformant run per ecosystem (category secflow/sca/<ecosystem>/[team/]), with a
// rule per advisory or license problem, a result per package at its lockfile line, and the
// run's coverage (what of that ecosystem could not be checked).

import { pathToFileURL } from "node:url";
import { type BaselinePlan, recordCoverage, type SecflowConfig } from "@secflow/kit";
import { RunBuilder, type RunOptions, type Sarif, type Severity, sarifLog } from "@secflow/sarif";
import pkg from "../package.json" with { type: "json" };
import type { MatchedAdvisories } from "./advisory-source.ts";
import { ecosystemSlug } from "./ecosystems.ts";
import type { Findings } from "./judge.ts";
import type { LicensePolicy } from "./licenses.ts";
import type { Ecosystem, LicenseFinding, Package, ParsedLockfile, Skip, VulnFinding } from "./model.ts";
import { advisoryRule, licenseRule, licenseRuleId } from "./rules.ts";

/**
 * The build stage: one run per ecosystem scanned, even without findings, so that alerts of fixed
 * dependencies close, and one per ecosystem left unchecked (a lockfile that could not be read),
 * so that the run says so rather than being absent. Each run records its coverage: complete, or
 * what was not checked. Paths are relative to the repository root; a comparison with the base
 * commit names the merge base and head it compared.
 */
export function buildScanLog(scan: {
  lockfiles: readonly ParsedLockfile[];
  matched: MatchedAdvisories;
  findings: Findings;
  unchecked: readonly Skip[];
  plan: BaselinePlan;
  config: SecflowConfig;
  root: string;
  env: NodeJS.ProcessEnv;
}): Sarif.Log {
  const { matched, findings, plan, config } = scan;
  const ecosystems = new Set<Ecosystem>([
    ...scan.lockfiles.map((l) => l.ecosystem),
    ...matched.packages.map((p) => p.ecosystem),
    ...scan.unchecked.flatMap((s) => s.ecosystem ?? []),
  ]);
  const change = plan.kind === "ref" ? plan.change : undefined;
  const repository = repositoryOf(scan.env, change?.headSha);
  // A gap of no known ecosystem (a file no parser reads) goes on every run; with no run at all, on
  // a run of its own, so that an unread lockfile never leaves an empty SARIF that passes.
  const runs: RunKey[] = ecosystems.size === 0 && scan.unchecked.length > 0 ? [OTHER] : [...ecosystems];
  return buildLog(runs, findings.vulns, findings.licenses, scan.unchecked, {
    tool: matched.tool,
    actionVersion: pkg.version,
    mode: change ? "diff" : "full",
    ...(config.team ? { team: config.team } : {}),
    ...(repository ? { repository } : {}),
    srcRoot: pathToFileURL(scan.root).href,
    ...(change ? { baseRef: change.mergeBaseSha, headRef: change.headSha } : {}),
    ...(config["severity-overrides"] ? { severityOverrides: config["severity-overrides"] } : {}),
    policy: findings.policy,
  });
}

/** A run's ecosystem, or OTHER for the run of gaps that belong to none. */
type RunKey = Ecosystem | typeof OTHER;
const OTHER = "other";

function repositoryOf(env: NodeJS.ProcessEnv, headSha: string | undefined): RunOptions["repository"] {
  const sha = headSha ?? env.GITHUB_SHA;
  if (!env.GITHUB_REPOSITORY || !sha) return undefined;
  return {
    uri: `${env.GITHUB_SERVER_URL || "https://github.com"}/${env.GITHUB_REPOSITORY}`,
    revisionId: sha,
  };
}

interface SarifContext {
  tool: RunOptions["tool"];
  actionVersion: string;
  mode: "full" | "diff";
  team?: string;
  repository?: RunOptions["repository"];
  srcRoot?: string;
  baseRef?: string;
  headRef?: string;
  severityOverrides?: Record<string, Severity>;
  policy: LicensePolicy;
}

function buildLog(
  ecosystems: readonly RunKey[],
  vulns: readonly VulnFinding[],
  licenses: readonly LicenseFinding[],
  unchecked: readonly Skip[],
  context: SarifContext,
): Sarif.Log {
  const slug = (key: RunKey) => (key === OTHER ? OTHER : ecosystemSlug(key));
  const runs = [...new Set(ecosystems)]
    .sort((a, b) => slug(a).localeCompare(slug(b)))
    .map((ecosystem) => {
      const run = new RunBuilder({
        action: "sca",
        actionVersion: context.actionVersion,
        tool: context.tool,
        category: slug(ecosystem),
        mode: context.mode,
        ...(context.team ? { team: context.team } : {}),
        ...(context.repository ? { repository: context.repository } : {}),
        ...(context.srcRoot ? { srcRoot: context.srcRoot } : {}),
        ...(context.baseRef ? { baseRef: context.baseRef } : {}),
        ...(context.headRef ? { headRef: context.headRef } : {}),
        ...(context.severityOverrides ? { severityOverrides: context.severityOverrides } : {}),
      });
      for (const finding of vulns.filter((f) => f.package.ecosystem === ecosystem)) {
        run.rule(advisoryRule(finding, finding.package.ecosystem));
        run.result({
          ruleId: finding.advisory.id,
          message: vulnMessage(finding),
          path: finding.package.lockfile,
          startLine: finding.package.line,
          identity: `${finding.advisory.id}\0${finding.package.name}\0${finding.package.lockfile}`,
          category: "sca",
          ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
          ...(finding.suppression ? { suppressions: [suppression(finding.suppression)] } : {}),
          properties: {
            ...packageProperties(finding.package),
            advisory: finding.advisory.id,
            aliases: finding.ids.filter((id) => id !== finding.advisory.id),
            fixedVersions: finding.fixedVersions,
            ...(finding.upgradeTo ? { upgradeTo: finding.upgradeTo } : {}),
          },
        });
      }
      for (const finding of licenses.filter((f) => f.package.ecosystem === ecosystem)) {
        const ruleId = licenseRuleId(finding.problem);
        run.rule(licenseRule(finding.problem, context.policy));
        run.result({
          ruleId,
          message: licenseMessage(finding, context.policy),
          path: finding.package.lockfile,
          startLine: finding.package.line,
          identity: `${ruleId}\0${finding.package.name}\0${finding.package.lockfile}`,
          category: "sca",
          ...(finding.baselineState ? { baselineState: finding.baselineState } : {}),
          properties: {
            ...packageProperties(finding.package),
            ...(finding.license ? { license: finding.license } : {}),
          },
        });
      }
      const built = run.build();
      recordCoverage(
        built,
        unchecked.filter((gap) => gap.ecosystem === undefined || gap.ecosystem === ecosystem),
      );
      return built;
    });
  return sarifLog(runs);
}

function packageProperties(pkg: Package) {
  return {
    ecosystem: pkg.ecosystem,
    package: pkg.name,
    purl: pkg.purl,
    installedVersion: pkg.version,
    dependencyPath: pkg.dependencyPath,
    scope: pkg.scope,
    relation: pkg.relation,
  };
}

function vulnMessage(finding: VulnFinding): string {
  const { package: pkg, advisory } = finding;
  const aliases = finding.ids.filter((id) => id !== advisory.id && id.startsWith("CVE-"));
  const summary = [advisory, ...finding.related].find((r) => r.summary)?.summary;
  const fix = finding.upgradeTo
    ? `Upgrade to ${finding.upgradeTo} or later.`
    : finding.fixedVersions.length
      ? `Fixed in ${finding.fixedVersions.join(", ")}, none of them an upgrade from ${pkg.version} that leaves every affected range.`
      : finding.detailsMissing
        ? "Fix versions unknown (advisory details unavailable)."
        : "No fixed version is known.";
  const via =
    pkg.relation === "transitive" && pkg.dependencyPath.length > 1
      ? ` (via ${pkg.dependencyPath.slice(0, -1).join(" > ")})`
      : "";
  return `${pkg.name} ${pkg.version}${via} is affected by ${advisory.id}${aliases.length ? ` (${aliases.join(", ")})` : ""}${summary ? `: ${summary.trim()}` : ""}. ${fix}`;
}

function licenseMessage(finding: LicenseFinding, policy: LicensePolicy): string {
  const { package: pkg } = finding;
  if (finding.problem === "unknown") {
    return finding.license
      ? `${pkg.name} ${pkg.version} declares the license "${finding.license}", which is not an SPDX expression the policy can judge.`
      : `${pkg.name} ${pkg.version} has no license recorded in ${pkg.lockfile}; check it by hand.`;
  }
  const list =
    finding.problem === "denied"
      ? `denied: ${policy.deny.join(", ")}`
      : `allowed: ${policy.allow.join(", ")}`;
  return `${pkg.name} ${pkg.version} is licensed ${finding.license}, which the license policy does not accept (${list}).`;
}

function suppression(s: { reason: string; expires: string }): Sarif.Suppression {
  return {
    kind: "external",
    status: "accepted",
    justification: `${s.reason} (ignored in .github/secflow.yml until ${s.expires})`,
  };
}
