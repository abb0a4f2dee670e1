import { compareSeverity, type Severity } from "@secflow/sarif";
import picomatch from "picomatch";
import type { GrantChange } from "./diff.ts";
import type { ChangeClass, ReportedChange } from "./diff-file.ts";
import { describeGrant, type Grant, type PolicySource } from "./grant.ts";
import { ruleIdOf } from "./rules.ts";
import { wildcardCovers } from "./wildcard.ts";

/** The team's marks from secflow.yml: what they call sensitive raises the class of a change. */
export interface Sensitivity {
  resources: readonly string[];
  secrets: readonly string[];
}

/**
 * New grants of these sources always reach a reviewer, whatever their own risk: a service's
 * enrolment lists what it may reach and is reviewed once per new reach; the gate's own
 * configuration lets findings through, which no risk table of the grant can judge.
 */
const NEW_GRANT_FLOOR: Partial<Record<PolicySource, Severity>> = {
  enrolment: "high",
  "secflow-config": "high",
};

/**
 * Class, severity, rule and texts of a change. A privilege that grows (an allow added or
 * widened, a deny or requirement removed or narrowed) takes the risk of the grant itself (or
 * critical when it touches what the team marked sensitive): high and critical are escalations,
 * which the gate sends to review; low and medium are widenings. A privilege that shrinks is a
 * reduction, info, whatever the risk of what was taken away.
 */
export function classify(change: GrantChange, sensitivity: Sensitivity): ReportedChange {
  const { kind, grant, location, counterparts } = change;
  const sensitive = [grant, ...counterparts].some((g) => isSensitive(g, sensitivity));
  const grows =
    grant.effect === "allow"
      ? kind === "added" || kind === "widened"
      : kind === "removed" || kind === "narrowed";
  let severity: Severity;
  let why: string | undefined;
  if (grant.neutral || !grows) {
    severity = "info";
  } else if (sensitive) {
    [severity, why] = ["critical", "a resource or secret the team marked sensitive (secflow.yml)"];
  } else {
    severity = grant.risk;
    why = grant.why;
    const floor = kind === "added" && grant.effect === "allow" ? NEW_GRANT_FLOOR[grant.source] : undefined;
    if (floor && compareSeverity(severity, floor) < 0) {
      severity = floor;
      why = `a new grant in ${grant.source === "enrolment" ? "a service enrolment" : "the secflow configuration"}`;
    }
  }
  const changeClass: ChangeClass = grant.neutral ? "neutral" : grows ? growthClass(severity) : "reduction";
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
    ruleId: ruleIdOf(grant.source, kind, changeClass),
    sensitive,
    ...(why ? { why } : {}),
  };
}

/** A privilege that grows: an escalation (the gate's review) from high up, else a widening. */
export function growthClass(severity: Severity): ChangeClass {
  return compareSeverity(severity, "high") >= 0 ? "escalation" : "widening";
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
