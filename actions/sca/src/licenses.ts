// License policy: allow and deny lists of SPDX licenses. An expression passes the deny list when
// a choice among its OR branches avoids every denied license, and the allow list when a choice
// uses only allowed ones. Packages with no license, or one that is not SPDX, are "unknown".

import { UserError } from "@secflow/errors";
import parseSpdx from "spdx-expression-parse";
import satisfies from "spdx-satisfies";
import type { LicenseFinding, LicenseProblem, Package } from "./model.ts";

export interface LicensePolicy {
  allow: string[];
  deny: string[];
}

function hasPolicy(policy: LicensePolicy): boolean {
  return policy.allow.length > 0 || policy.deny.length > 0;
}

/** Checks every entry is one SPDX license (with an optional "+" or "WITH" exception). */
export function validatePolicy(policy: LicensePolicy, where: { allow: string; deny: string }): void {
  for (const list of ["allow", "deny"] as const) {
    for (const entry of policy[list]) {
      let parsed: parseSpdx.Info;
      try {
        parsed = parseSpdx(entry);
      } catch {
        throw new UserError(
          `${where[list]}: "${entry}" is not an SPDX license identifier (see https://spdx.org/licenses/), e.g. MIT or Apache-2.0.`,
        );
      }
      if ("conjunction" in parsed) {
        throw new UserError(
          `${where[list]}: "${entry}" combines licenses; list each license as its own item.`,
        );
      }
    }
  }
}

/** What is wrong with a package's license under the policy, if anything. */
export function licenseProblem(
  license: string | undefined,
  policy: LicensePolicy,
): LicenseProblem | undefined {
  if (!hasPolicy(policy)) return undefined;
  if (license === undefined || license.trim() === "") return "unknown";
  let parsed: parseSpdx.Info;
  try {
    parsed = parseSpdx(license);
  } catch {
    return "unknown"; // "SEE LICENSE IN …", "UNLICENSED", "BSD": not something a policy can judge
  }
  if (policy.deny.length > 0) {
    const usable = leaves(parsed).filter((leaf) => !satisfies(leaf, policy.deny));
    if (usable.length === 0 || !satisfies(license, usable)) return "denied";
  }
  if (policy.allow.length > 0 && !satisfies(license, policy.allow)) return "not-allowed";
  return undefined;
}

export function checkLicenses(packages: readonly Package[], policy: LicensePolicy): LicenseFinding[] {
  if (!hasPolicy(policy)) return [];
  const findings: LicenseFinding[] = [];
  for (const pkg of packages) {
    const problem = licenseProblem(pkg.license, policy);
    if (problem) findings.push({ package: pkg, problem, ...(pkg.license ? { license: pkg.license } : {}) });
  }
  return findings;
}

/** Each license of an expression, written back as a single-license expression. */
function leaves(info: parseSpdx.Info): string[] {
  if ("conjunction" in info) return [...leaves(info.left), ...leaves(info.right)];
  return [`${info.license}${info.plus ? "+" : ""}${info.exception ? ` WITH ${info.exception}` : ""}`];
}
