import type { Severity } from "@secflow/sarif";

export interface SecurityRuleFacts {
  cwe: number[];
  severity: Severity;
}

// eslint-plugin-security's rules carry no CWE or severity of their own; these are ours, chosen
// from what each rule detects (and, for the noisy ones, how often it is a false positive).
// ESLint's own rules that catch code injection are rated too, for teams that enable them.
const RULES: Readonly<Record<string, SecurityRuleFacts>> = {
  "security/detect-bidi-characters": { cwe: [451], severity: "high" },
  "security/detect-buffer-noassert": { cwe: [119], severity: "medium" },
  "security/detect-child-process": { cwe: [78], severity: "high" },
  "security/detect-disable-mustache-escape": { cwe: [79], severity: "high" },
  "security/detect-eval-with-expression": { cwe: [95], severity: "high" },
  "security/detect-invisible-characters": { cwe: [451], severity: "medium" },
  "security/detect-new-buffer": { cwe: [908], severity: "medium" },
  "security/detect-no-csrf-before-method-override": { cwe: [352], severity: "medium" },
  "security/detect-non-literal-fs-filename": { cwe: [22], severity: "medium" },
  "security/detect-non-literal-regexp": { cwe: [1333], severity: "medium" },
  "security/detect-non-literal-require": { cwe: [829], severity: "medium" },
  "security/detect-object-injection": { cwe: [915], severity: "low" },
  "security/detect-possible-timing-attacks": { cwe: [208], severity: "low" },
  "security/detect-pseudoRandomBytes": { cwe: [338], severity: "medium" },
  "security/detect-unsafe-regex": { cwe: [1333], severity: "medium" },
  "no-eval": { cwe: [95], severity: "high" },
  "no-implied-eval": { cwe: [95], severity: "high" },
  "no-new-func": { cwe: [95], severity: "high" },
  "no-script-url": { cwe: [79], severity: "medium" },
};

/** CWE and severity of a rule we know to be about security, else undefined. */
export function securityRuleFacts(ruleId: string): SecurityRuleFacts | undefined {
  return RULES[ruleId];
}

/**
 * The severity of a finding of a rule we have no facts for: the team made it an error or a
 * warning in its ESLint config, which is all we know. Teams adjust it with severity-overrides.
 */
export function severityOfLintLevel(level: number): Severity {
  return level >= 2 ? "medium" : "low";
}
