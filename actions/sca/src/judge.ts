// The findings stage: one finding per vulnerable package and vulnerability, the license
// problems the policy finds, and the team's sca.ignores (the older form of waivers) applied.

import type { MatchedAdvisories } from "./advisory-source.ts";
import { buildFindings } from "./findings.ts";
import { applyIgnores } from "./ignores.ts";
import { checkLicenses, type LicensePolicy } from "./licenses.ts";
import type { LicenseFinding, Package, ScanNotes, VulnFinding } from "./model.ts";
import type { ScanSetup } from "./scan-setup.ts";

export interface Findings {
  vulns: VulnFinding[];
  licenses: LicenseFinding[];
  policy: LicensePolicy;
}

export function judgeFindings(
  matched: MatchedAdvisories,
  scanned: readonly Package[],
  setup: ScanSetup,
  notes: ScanNotes,
  now: Date,
): Findings {
  notes.skipped.push(...matched.advisories.skipped);
  const vulns = buildFindings(matched.packages, matched.advisories);
  notes.warnings.push(...applyIgnores(vulns, setup.config.sca?.ignores, now));
  return { vulns, licenses: checkLicenses(scanned, setup.policy), policy: setup.policy };
}
