// The sca action: lockfiles → packages → advisories (OSV API, offline database or an imported
// report) → findings, license problems, ignores, baseline → SARIF, outputs and job summary.

import { pathToFileURL } from "node:url";
import { type ActionIO, loadConfig, type StepOutcome } from "@secflow/kit";
import { atLeast, formatIssues, maxSeverity, type Severity, validate, writeSarifFile } from "@secflow/sarif";
import pkg from "../package.json" with { type: "json" };
import { matchOffline, matchOnline, type PackageAdvisories } from "./advisories.ts";
import { chooseBase, readBaseLockfiles } from "./base-commit.ts";
import { markBaseline } from "./baseline.ts";
import { buildFindings } from "./findings.ts";
import { applyIgnores } from "./ignores.ts";
import { locateImport } from "./imports/locate.ts";
import { readImport } from "./imports/read-import.ts";
import { checkLicenses, type LicensePolicy, validatePolicy } from "./licenses.ts";
import { discoverLockfiles } from "./lockfiles/discover.ts";
import { readLockfiles, workingTree } from "./lockfiles/read.ts";
import type { Ecosystem, Package, Skip } from "./model.ts";
import type { Options } from "./options.ts";
import { displayUrl } from "./osv/http.ts";
import { loadOfflineDb, packageKey } from "./osv/offline-db.ts";
import { buildLog } from "./sarif-output.ts";
import { summaryMarkdown } from "./summary.ts";

export { type Options, readOptions } from "./options.ts";

export interface Outcome extends StepOutcome {
  vulnerable: number;
  new: number;
  maxSeverity: Severity | "none";
}

const OSV_TOOL = { name: "secflow-sca", version: pkg.version, informationUri: "https://osv.dev/" };

export async function run(options: Options, io: ActionIO): Promise<Outcome> {
  const config = await loadConfig(options.config);
  const sca = config.sca ?? {};
  const failOn = options.failOn ?? sca["fail-on"] ?? "high";
  const policy: LicensePolicy = {
    allow: options.licensesAllow ?? sca.licenses?.allow ?? [],
    deny: options.licensesDeny ?? sca.licenses?.deny ?? [],
  };
  validatePolicy(policy, {
    allow: options.licensesAllow ? 'Input "licenses-allow"' : `${options.config}: sca.licenses.allow`,
    deny: options.licensesDeny ? 'Input "licenses-deny"' : `${options.config}: sca.licenses.deny`,
  });
  const skipped: Skip[] = [];
  const warnings: string[] = [];

  // Lockfiles of the head commit (the checkout).
  const files = await discoverLockfiles(
    options.workspace,
    options.path,
    options.lockfiles,
    config["ignore-paths"] ?? [],
  );
  const head = await readLockfiles(files, workingTree(options.workspace));
  skipped.push(...head.skipped);
  if (files.length === 0)
    warnings.push(
      `No lockfiles found under ${options.path}${options.lockfiles.length ? ` matching ${options.lockfiles.join(", ")}` : ""}.`,
    );
  io.info(
    `Read ${head.lockfiles.length} lockfile(s): ${head.lockfiles.map((l) => `${l.path} (${l.packages.length} packages)`).join(", ") || "none"}`,
  );

  const excludeDev = sca["dev-dependencies"] === "exclude";
  const allPackages = head.lockfiles.flatMap((l) => l.packages);
  const scanned = excludeDev ? allPackages.filter((p) => p.scope !== "dev") : allPackages;

  // Advisories.
  let packages: Package[];
  let advisories: PackageAdvisories;
  let source: string;
  let tool = OSV_TOOL as { name: string; version?: string; informationUri: string };
  if (options.import) {
    const shown = relative(options, options.import);
    const report = await readImport(options.import, options.importFormat, shown);
    const located = locateImport(report, head.lockfiles, { workspace: options.workspace, importPath: shown });
    const keep = located.packages.map((p) => !(excludeDev && p.scope === "dev"));
    packages = located.packages.filter((_, i) => keep[i]);
    advisories = { ...located.advisories, matches: located.advisories.matches.filter((_, i) => keep[i]) };
    source = `the ${report.tool.name} report ${shown}`;
    tool = { ...report.tool, version: report.tool.version ?? "unknown" };
  } else if (options.osvDb) {
    const wanted = new Set(scanned.map((p) => packageKey(p.ecosystem, p.name)));
    const db = await loadOfflineDb(options.osvDb, relative(options, options.osvDb), wanted);
    skipped.push(...db.skipped);
    packages = scanned;
    advisories = matchOffline(packages, db.index);
    source = `the offline OSV database ${relative(options, options.osvDb)} (${db.index.records} advisories)`;
  } else {
    packages = scanned;
    const url = new URL(options.osvApiUrl);
    if (url.password) io.setSecret(decodeURIComponent(url.password));
    advisories = packages.length
      ? await matchOnline(packages, { baseUrl: options.osvApiUrl, ...options.http })
      : { matches: [], missing: new Set(), skipped: [] };
    source = `the OSV API (${displayUrl(url)})`;
  }
  skipped.push(...advisories.skipped);

  const vulns = buildFindings(packages, advisories);
  // A team's severity for an advisory counts for fail-on and the outputs too, not only in SARIF.
  const overrides = config["severity-overrides"] ?? {};
  for (const finding of vulns) {
    const override = overrides[finding.advisory.id];
    if (override) finding.severity = override;
  }
  const licenses = checkLicenses(scanned, policy);
  warnings.push(...applyIgnores(vulns, sca.ignores, options.now ?? new Date()));

  // Diff awareness.
  const base = await chooseBase(options.baseline, options.workspace, options.env);
  if (base) {
    if (base.warning) warnings.push(base.warning);
    const read = await readBaseLockfiles(
      options.workspace,
      base,
      head.lockfiles.map((l) => l.path),
    );
    skipped.push(...read.skipped);
    markBaseline(vulns, licenses, read.base, policy);
  }

  // SARIF: one run per ecosystem scanned, even without findings, so fixed alerts close.
  const ecosystems = new Set<Ecosystem>([
    ...head.lockfiles.map((l) => l.ecosystem),
    ...packages.map((p) => p.ecosystem),
  ]);
  const repository = repositoryOf(options.env, base?.headSha);
  const log = buildLog([...ecosystems], vulns, licenses, {
    tool,
    actionVersion: pkg.version,
    mode: base ? "diff" : "full",
    ...(config.team ? { team: config.team } : {}),
    ...(repository ? { repository } : {}),
    srcRoot: pathToFileURL(options.workspace).href,
    ...(base ? { baseRef: base.label } : {}),
    ...(base?.headRef ? { headRef: base.headRef } : {}),
    ...(config["severity-overrides"] ? { severityOverrides: config["severity-overrides"] } : {}),
    policy,
  });
  const check = validate(log);
  if (!check.valid) throw new Error(`the SARIF log built is invalid (a bug):\n${formatIssues(check.issues)}`);
  await writeSarifFile(options.output, log);

  // Outputs and summary.
  const open = vulns.filter((f) => !f.suppression);
  const counted = [...open, ...licenses];
  const fresh = base ? counted.filter((f) => f.baselineState === "new") : counted;
  const max = maxSeverity(counted.map((f) => ("severity" in f ? f.severity : licenseSeverity(f.problem))));
  io.setOutput("sarif-file", options.output);
  io.setOutput("vulnerable-count", open.length);
  io.setOutput("new-count", base ? fresh.length : counted.length);
  io.setOutput("max-severity", max ?? "none");
  for (const warning of warnings) io.warning(warning);
  if (skipped.length)
    io.warning(`${skipped.length} item(s) could not be checked; the job summary lists them.`);
  for (const s of skipped) io.info(`not checked: ${s.subject}: ${s.reason}`);
  await io.appendSummary(
    summaryMarkdown({
      source,
      lockfiles: head.lockfiles.length,
      packages: packages.length,
      devExcluded: allPackages.length - scanned.length,
      diff: Boolean(base),
      ...(base ? { baseRef: base.label } : {}),
      vulns,
      licenses,
      skipped,
      warnings,
    }),
  );
  io.info(
    `Wrote ${options.output}: ${open.length} vulnerable, ${licenses.length} license problems${base ? `, ${fresh.length} new` : ""}.`,
  );

  const failing = fresh.filter((f) =>
    atLeast("severity" in f ? f.severity : licenseSeverity(f.problem), failOn),
  );
  return {
    vulnerable: open.length,
    new: base ? fresh.length : counted.length,
    maxSeverity: max ?? "none",
    ...(failing.length
      ? {
          failed: `${failing.length} ${base ? "new " : ""}finding(s) at or above ${failOn} (fail-on); see the job summary and ${relative(options, options.output)}.`,
        }
      : {}),
  };
}

function licenseSeverity(problem: "denied" | "not-allowed" | "unknown"): Severity {
  return problem === "denied" ? "high" : problem === "not-allowed" ? "medium" : "low";
}

function relative(options: Options, file: string): string {
  const rel = file.startsWith(options.workspace)
    ? file.slice(options.workspace.length).replace(/^[/\\]+/, "")
    : file;
  return rel.split("\\").join("/") || ".";
}

function repositoryOf(env: NodeJS.ProcessEnv, headSha: string | undefined) {
  const sha = headSha ?? env.GITHUB_SHA;
  if (!env.GITHUB_REPOSITORY || !sha) return undefined;
  return {
    uri: `${env.GITHUB_SERVER_URL || "https://github.com"}/${env.GITHUB_REPOSITORY}`,
    revisionId: sha,
  };
}
