import { compareSeverity, maxSeverity, type Severity } from "@secflow/sarif";
import picomatch from "picomatch";
import type { GrantChange } from "./diff.ts";
import type { ChangeClass, PolicyChange } from "./diff-file.ts";
import { describeGrant, type Grant } from "./grant.ts";
import { wildcardCovers } from "./wildcard.ts";

/** The team's marks from secflow.yml: what they call sensitive raises the class of a change. */
export interface Sensitivity {
  resources: readonly string[];
  secrets: readonly string[];
}

/** Class, severity, rule and texts of a change, from its kind and the risk of the grant. */
export function classify(change: GrantChange, sensitivity: Sensitivity): PolicyChange {
  const { kind, grant, location, counterparts } = change;
  const sensitive = [grant, ...counterparts].some((g) => isSensitive(g, sensitivity));
  const grows =
    grant.effect === "allow"
      ? kind === "added" || kind === "widened"
      : kind === "removed" || kind === "narrowed";
  let changeClass: ChangeClass;
  let severity: Severity;
  if (grant.neutral) {
    [changeClass, severity] = ["neutral", "info"];
  } else if (!grows) {
    [changeClass, severity] = ["reduction", "info"];
  } else {
    const risk = sensitive ? "critical" : grant.risk;
    if (kind === "added" && grant.effect === "allow") {
      // Any new privilege needs a reviewer; how urgently depends on its risk.
      [changeClass, severity] = ["escalation", maxSeverity([risk, "high"]) as Severity];
    } else if (compareSeverity(risk, "high") >= 0) {
      [changeClass, severity] = ["escalation", risk];
    } else {
      [changeClass, severity] = ["widening", "medium"];
    }
  }
  const described = describeGrant(grant);
  // Name the subject of a counterpart when it differs (a principal widened to `*`, paths handed
  // to another code owner).
  const others = counterparts
    .map((g) => (g.subject === grant.subject ? describeGrant(g) : `${g.subject}: ${describeGrant(g)}`))
    .join("; ");
  const texts =
    kind === "added"
      ? { after: described }
      : kind === "removed"
        ? { before: described, ...(others ? { after: others } : {}) }
        : kind === "widened"
          ? { before: others, after: described }
          : { before: described, after: others };
  return {
    kind,
    class: changeClass,
    severity,
    source: grant.source,
    subject: grant.subject,
    permission: grant.permission,
    resource: grant.resource,
    effect: grant.effect,
    file: location.file,
    line: location.line,
    side: location.side,
    ...texts,
    ruleId: `policy-diff/${grant.source}/${kind}`,
    sensitive,
  };
}

function isSensitive(grant: Grant, sensitivity: Sensitivity): boolean {
  if (!grant.sensitiveAs) return false;
  const globs = grant.sensitiveAs === "secret" ? sensitivity.secrets : sensitivity.resources;
  if (globs.length === 0) return false;
  const value = grant.sensitiveName ?? grant.resource;
  // A wildcard resource (`*`, `arn:…:payments-*`) reaches the sensitive ones it covers.
  return (
    picomatch.isMatch(value, [...globs], { dot: true }) ||
    globs.some((glob) => wildcardCovers(glob, value) || wildcardCovers(value, glob))
  );
}
