import { activeWaivers, matcher, type Waiver } from "@secflow/kit";
import { decodePath, FINGERPRINT_KEY, fingerprintHash, type Sarif } from "@secflow/sarif";

export interface WaiverOutcome {
  /** Results the team's waivers suppress. */
  waived: number;
  /** Expired waivers that would still match a finding: the finding is reported again. */
  expiredInUse: { waiver: Waiver; findings: number }[];
  /** Expired waivers that match nothing any more, candidates for removal. */
  expiredUnused: Waiver[];
}

/**
 * Marks results the team accepted in secflow.yml (by rule, optionally narrowed to a path glob,
 * or by secflow/v1 fingerprint) as suppressed, with the reason, approver and expiry. Advisory
 * waivers are for dependency findings and do not apply here. An expired waiver stops applying.
 */
export function applyWaivers(
  log: Sarif.Log,
  waivers: readonly Waiver[],
  now: Date = new Date(),
): WaiverOutcome {
  const relevant = waivers.filter((w) => w.rule !== undefined || w.fingerprint !== undefined);
  const { active, expired } = activeWaivers(relevant, now);
  const activeMatchers = active.map((waiver) => ({ waiver, matches: matchesFinding(waiver) }));
  const expiredCounts = expired.map((waiver) => ({ waiver, matches: matchesFinding(waiver), findings: 0 }));
  let waived = 0;
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      const hit = activeMatchers.find((m) => m.matches(result));
      if (hit) {
        result.suppressions = [...(result.suppressions ?? []), suppression(hit.waiver)];
        waived++;
      }
      for (const e of expiredCounts) if (!hit && e.matches(result)) e.findings++;
    }
  }
  return {
    waived,
    expiredInUse: expiredCounts
      .filter((e) => e.findings > 0)
      .map(({ waiver, findings }) => ({ waiver, findings })),
    expiredUnused: expiredCounts.filter((e) => e.findings === 0).map((e) => e.waiver),
  };
}

function matchesFinding(waiver: Waiver): (result: Sarif.Result) => boolean {
  const inPath = waiver.path ? matcher([waiver.path]) : () => true;
  return (result) => {
    const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
    if (uri === undefined || !inPath(decodePath(uri))) return false;
    if (waiver.rule !== undefined && result.ruleId !== waiver.rule) return false;
    if (waiver.fingerprint !== undefined) {
      const fingerprint = result.partialFingerprints?.[FINGERPRINT_KEY];
      if (fingerprint === undefined) return false;
      // A waiver may name the whole fingerprint or only its hash (every occurrence of that code).
      const wanted = waiver.fingerprint.includes(":") ? fingerprint : fingerprintHash(fingerprint);
      if (wanted !== waiver.fingerprint) return false;
    }
    return true;
  };
}

function suppression(waiver: Waiver): Sarif.Suppression {
  return {
    kind: "external",
    status: "accepted",
    justification: `${waiver.reason} (approved by ${waiver.approver}, expires ${waiver.expires})`,
    properties: { secflow: { approver: waiver.approver, expires: waiver.expires } },
  };
}

/** A waiver as people read it: "rule B101 in tools/** (approved by org/security)". */
export function describeWaiver(waiver: Waiver): string {
  const what = waiver.rule !== undefined ? `rule ${waiver.rule}` : `fingerprint ${waiver.fingerprint}`;
  const both =
    waiver.rule !== undefined && waiver.fingerprint !== undefined
      ? ` (fingerprint ${waiver.fingerprint})`
      : "";
  return `${what}${both}${waiver.path ? ` in ${waiver.path}` : ""} (approved by ${waiver.approver})`;
}

/** Says which waivers expired: loudly when a finding is reported again because of it. */
export function logWaivers(
  outcome: WaiverOutcome,
  io: { info(m: string): void; warning(m: string): void },
): void {
  if (outcome.waived) io.info(`${outcome.waived} finding(s) waived in secflow.yml.`);
  for (const { waiver, findings } of outcome.expiredInUse) {
    io.warning(
      `The waiver for ${describeWaiver(waiver)} expired on ${waiver.expires}; its ${findings} finding(s) are reported again.`,
    );
  }
  for (const waiver of outcome.expiredUnused) {
    io.info(
      `The waiver for ${describeWaiver(waiver)} expired on ${waiver.expires} and matches no finding; it can be removed.`,
    );
  }
}
