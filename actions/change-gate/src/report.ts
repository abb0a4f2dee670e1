import type { PullRequestContext, WaiverBook } from "@secflow/kit";
import type { ConfigSource } from "./base-config.ts";
import type { ChangeRecord } from "./change-under-review.ts";
import type { Verdict } from "./decide.ts";
import type { Enforcement } from "./enforcement.ts";
import type { Evaluation } from "./evaluate.ts";
import type { GatePolicy } from "./gate-policy.ts";
import type { LabelState } from "./labels.ts";
import type { Mode } from "./options.ts";
import type { PolicyDiffInput } from "./policy-diff-file.ts";
import type { RunInfo } from "./run-info.ts";
import type { SarifFileRecord } from "./sarif-inputs.ts";

/** Everything one run of the gate found and decided; the summary, SARIF and evidence render it. */
export interface GateReport {
  verdict: Verdict;
  evaluation: Evaluation;
  mode: Mode;
  policy: GatePolicy;
  config: ConfigSource;
  /** Unset when the change could not be read. */
  context?: PullRequestContext;
  /** The event's own commits and any base or head input. */
  change: ChangeRecord;
  /** Where the enforcement inputs came from (the base commit's workflow, the step, the defaults). */
  enforcement: Enforcement;
  run: RunInfo;
  sarif: SarifFileRecord[];
  policyDiff?: PolicyDiffInput;
  labels: LabelState;
  waivers: WaiverBook;
  notes: string[];
  links: LinkBase;
  startedAt: Date;
}

/** Where links to files point: GITHUB_SERVER_URL, the repository and the commits. */
export interface LinkBase {
  serverUrl: string;
  repository?: { owner: string; repo: string };
  headSha?: string;
  baseSha?: string;
}
