import { createHash } from "node:crypto";

/** One gate run, as the store keeps it (a row of `evidence` and its child rows). */
export interface EvidenceRow {
  id: string;
  source: string;
  evidenceVersion: number;
  repository: string;
  team: string;
  prNumber: number | null;
  decision: string;
  ruleDecision: string;
  clearedBy: string | null;
  approved: boolean;
  mode: string;
  startedAt: string;
  finishedAt: string;
  headSha: string | null;
  author: string | null;
  changedLines: number | null;
  changedFiles: number | null;
  firstReviewSubmittedAt: string | null;
  gateVersion: string | null;
  workflowRef: string | null;
  reasons: {
    rule: string;
    verdict: string;
    severity: string | null;
    category: string | null;
    tool: string | null;
  }[];
  escalations: { source: string; severity: string; sensitive: boolean }[];
  waivers: { waiver: string; expires: string; expiredReferenced: boolean }[];
}

/** A pull request's facts from a REST pull request object (GET /repos/{o}/{r}/pulls/{n}). */
export interface PullRequestRow {
  repository: string;
  number: number;
  openedAt: string | null;
  readyAt: string | null;
  reviewRequestedAt: string | null;
  securityApprovedAt: string | null;
  mergedAt: string | null;
  closedAt: string | null;
  updatedAt: string | null;
}

const NO_TEAM = "(no team)";
const DECISIONS = new Set(["pass", "review", "fail"]);
const NEW_FINDING = /^New (critical|high|medium|low|info) (sast|sca|policy) finding/;

/** Why a record cannot be used: the message says which field, so the file can be fixed. */
export class BadRecord extends Error {
  override readonly name = "BadRecord";
}

/** What a JSON file holds: an evidence record, a pull request, or something else (ignored). */
export type Parsed =
  | { kind: "evidence"; row: EvidenceRow }
  | { kind: "pull-request"; row: PullRequestRow }
  | { kind: "other" };

export function classify(value: unknown, source: string): Parsed {
  if (!isObject(value)) return { kind: "other" };
  if ("evidenceVersion" in value) return { kind: "evidence", row: evidenceRow(value, source) };
  if ("merged_at" in value && isObject(value.base) && "number" in value)
    return { kind: "pull-request", row: pullRequestRow(value) };
  return { kind: "other" };
}

/** Reads evidence v1 and v2 (actions/change-gate/src/evidence.ts); throws BadRecord. */
export function evidenceRow(e: Record<string, unknown>, source: string): EvidenceRow {
  const version = e.evidenceVersion;
  if (version !== 1 && version !== 2)
    throw new BadRecord(`evidenceVersion ${JSON.stringify(version)} is not one this report reads (1 or 2)`);
  const decision = text(e.decision, "decision");
  if (!DECISIONS.has(decision)) throw new BadRecord(`decision "${decision}" is not pass, review or fail`);
  const ruleDecision = e.ruleDecision === undefined ? decision : text(e.ruleDecision, "ruleDecision");
  const run = isObject(e.run) ? e.run : {};
  // The runner's GITHUB_REPOSITORY names the repository the gate ran in; the payload's is a fallback.
  const repository = optionalText(run.repository) ?? optionalText(e.repository);
  if (!repository) throw new BadRecord("neither run.repository nor repository names the repository");
  const pr = isObject(e.pullRequest) ? e.pullRequest : undefined;
  const size = pr && isObject(pr.size) ? pr.size : undefined;
  const policy = isObject(e.policy) ? e.policy : {};
  const approvals = isObject(e.approvals) ? e.approvals : undefined;
  const startedAt = time(e.startedAt, "startedAt");
  const finishedAt = time(e.finishedAt, "finishedAt");
  const prNumber = pr && typeof pr.number === "number" && Number.isInteger(pr.number) ? pr.number : null;
  const runId = optionalText(run.id) ?? "";
  const attempt = typeof run.attempt === "number" ? run.attempt : "";
  const headSha = pr ? optionalText(pr.headSha) : null;
  // The same gate run read twice (a local copy and its artifact) is one record.
  const id = createHash("sha256")
    .update(JSON.stringify([repository, prNumber, headSha, runId, attempt, startedAt, finishedAt]))
    .digest("hex");
  const reviews = approvals && Array.isArray(approvals.reviews) ? approvals.reviews : [];
  const submitted = reviews
    .map((r) => (isObject(r) ? optionalText(r.submittedAt) : null))
    .filter((t): t is string => t !== null && !Number.isNaN(Date.parse(t)))
    .sort();
  const tool = isObject(e.tool) ? e.tool : {};
  return {
    id,
    source,
    evidenceVersion: version,
    repository,
    team: optionalText(policy.team) ?? NO_TEAM,
    prNumber,
    decision,
    ruleDecision,
    clearedBy: optionalText(e.clearedBy),
    approved: approvals?.approved === true,
    mode: optionalText(e.mode) ?? "enforce",
    startedAt,
    finishedAt,
    headSha,
    author: pr ? optionalText(pr.author) : null,
    changedLines: size && typeof size.lines === "number" ? size.lines : null,
    changedFiles: size && typeof size.files === "number" ? size.files : null,
    firstReviewSubmittedAt: submitted[0] ?? null,
    gateVersion: optionalText(tool.version),
    workflowRef: optionalText(run.workflowRef),
    reasons: reasonsOf(e.reasons),
    escalations: escalationsOf(e.inputs),
    waivers: waiversOf(policy.waivers, e.waivers),
  };
}

function reasonsOf(value: unknown): EvidenceRow["reasons"] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new BadRecord("reasons is not a list");
  return value.map((r, i) => {
    if (!isObject(r)) throw new BadRecord(`reasons[${i}] is not an object`);
    const rule = text(r.rule, `reasons[${i}].rule`);
    const verdict = text(r.verdict, `reasons[${i}].verdict`);
    if (rule !== "gate/new-finding") return { rule, verdict, severity: null, category: null, tool: null };
    if (r.finding !== undefined) {
      // The gate's own record of the finding (change-gate 2.0.0 on).
      if (!isObject(r.finding)) throw new BadRecord(`reasons[${i}].finding is not an object`);
      return {
        rule,
        verdict,
        severity: text(r.finding.severity, `reasons[${i}].finding.severity`),
        category: text(r.finding.category, `reasons[${i}].finding.category`),
        tool: text(r.finding.tool, `reasons[${i}].finding.tool`),
      };
    }
    // Earlier gates said it only in the message.
    const finding = NEW_FINDING.exec(optionalText(r.message) ?? "");
    return { rule, verdict, severity: finding?.[1] ?? null, category: finding?.[2] ?? null, tool: null };
  });
}

function escalationsOf(inputs: unknown): EvidenceRow["escalations"] {
  const diff = isObject(inputs) && isObject(inputs.policyDiff) ? inputs.policyDiff : undefined;
  if (!diff || !Array.isArray(diff.changes)) return [];
  return diff.changes
    .filter((c): c is Record<string, unknown> => isObject(c) && c.class === "escalation")
    .map((c) => ({
      source: optionalText(c.source) ?? "unknown",
      severity: optionalText(c.severity) ?? "unknown",
      sensitive: c.sensitive === true,
    }));
}

/** The configuration's waivers, each marked when it has expired and still matches a finding. */
function waiversOf(configured: unknown, book: unknown): EvidenceRow["waivers"] {
  if (!Array.isArray(configured)) return [];
  const expiredHits = isObject(book) && Array.isArray(book.expiredButMatching) ? book.expiredButMatching : [];
  const hitKeys = new Set(
    expiredHits.map((h) => JSON.stringify(waiverKey(isObject(h) && isObject(h.waiver) ? h.waiver : h))),
  );
  const rows: EvidenceRow["waivers"] = [];
  for (const w of configured) {
    if (!isObject(w) || typeof w.expires !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(w.expires)) continue;
    const key = waiverKey(w);
    rows.push({ waiver: key, expires: w.expires, expiredReferenced: hitKeys.has(JSON.stringify(key)) });
  }
  return rows;
}

/** A waiver named by what it matches: its rule, fingerprint, advisory and path. */
function waiverKey(w: unknown): string {
  if (!isObject(w)) return String(w);
  return ["rule", "fingerprint", "advisory", "path"]
    .filter((k) => typeof w[k] === "string")
    .map((k) => `${k}=${w[k]}`)
    .join(" ");
}

export function pullRequestRow(p: Record<string, unknown>): PullRequestRow {
  const base = isObject(p.base) ? p.base : {};
  const repo = isObject(base.repo) ? base.repo : {};
  const repository = optionalText(repo.full_name);
  if (!repository) throw new BadRecord("base.repo.full_name does not name the repository");
  if (typeof p.number !== "number") throw new BadRecord("number is not a number");
  return {
    repository,
    number: p.number,
    openedAt: optionalTime(p.created_at),
    readyAt: null,
    reviewRequestedAt: null,
    securityApprovedAt: null,
    mergedAt: optionalTime(p.merged_at),
    closedAt: optionalTime(p.closed_at),
    updatedAt: optionalTime(p.updated_at),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") throw new BadRecord(`${field} is missing or not a string`);
  return value;
}

function optionalText(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function time(value: unknown, field: string): string {
  const t = text(value, field);
  if (Number.isNaN(Date.parse(t))) throw new BadRecord(`${field} "${t}" is not a date and time`);
  return new Date(t).toISOString();
}

function optionalTime(value: unknown): string | null {
  return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null;
}
