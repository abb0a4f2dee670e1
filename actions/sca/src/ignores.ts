// Team ignores from secflow.yml (sca.ignores): a finding whose advisory (or one of its aliases)
// and package match an ignore in force is suppressed with the ignore's reason; an expired
// ignore stops applying and is reported.

import { activeWaivers, type ScaIgnore } from "@secflow/kit";
import { normalizeName } from "./ecosystems.ts";
import type { VulnFinding } from "./model.ts";

export function applyIgnores(
  findings: VulnFinding[],
  ignores: readonly ScaIgnore[] | undefined,
  now: Date,
): string[] {
  const { active, expired } = activeWaivers(ignores, now);
  const warnings: string[] = [];
  for (const finding of findings) {
    const ignore = active.find((i) => matches(i, finding));
    if (ignore) finding.suppression = { reason: ignore.reason, expires: ignore.expires };
  }
  for (const ignore of expired) {
    const hits = findings.filter((f) => matches(ignore, f)).length;
    warnings.push(
      `The ignore of ${ignore.advisory}${ignore.package ? ` for ${ignore.package}` : ""} expired on ${ignore.expires} and no longer applies` +
        (hits ? ` (${hits} finding${hits === 1 ? "" : "s"} reported again)` : "") +
        "; renew it with a new date in .github/secflow.yml or remove it.",
    );
  }
  return warnings;
}

function matches(ignore: ScaIgnore, finding: VulnFinding): boolean {
  const advisory = ignore.advisory.toUpperCase();
  if (!finding.ids.some((id) => id.toUpperCase() === advisory)) return false;
  if (ignore.package === undefined) return true;
  const { ecosystem, name } = finding.package;
  return normalizeName(ecosystem, ignore.package) === normalizeName(ecosystem, name);
}
