import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

// A simulated history of gate runs in the evidence v2 format (actions/change-gate/src/evidence.ts)
// and pull requests in the REST format: the demo's data, and the benchmark's generated organisation.

export interface SimulationOptions {
  teams: string[];
  repositoriesPerTeam: number;
  weeks: number;
  pullRequestsPerRepositoryWeek: number;
  /** The end of the history; pull requests still open then have no merge. */
  now: Date;
  seed?: number;
  organisation?: string;
}

export interface History {
  evidence: Record<string, unknown>[];
  pullRequests: Record<string, unknown>[];
}

const HOUR = 3_600_000;
const SOURCES = ["iam", "kubernetes", "workflow", "enrolment", "codeowners"];
const SEVERITIES = ["critical", "high", "medium"];

/** mulberry32: a small seeded generator, so a history is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function simulateHistory(options: SimulationOptions): History {
  const rand = random(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const org = options.organisation ?? "acme";
  const end = options.now.getTime();
  const start = end - options.weeks * 7 * 24 * HOUR;
  const history: History = { evidence: [], pullRequests: [] };
  let run = 1000;
  for (const [t, team] of options.teams.entries()) {
    // Teams differ: some keep batches small, some wait longer for a reviewer.
    const batchScale = 40 + 60 * t;
    const reviewHours = 4 + 6 * t;
    for (let r = 0; r < options.repositoriesPerTeam; r++) {
      const repository = `${org}/${team}-service-${r + 1}`;
      const version = r % 3 === 2 ? "1.4.0" : "2.0.0";
      const waivers = [
        {
          rule: "js/generated-code",
          reason: "generated",
          approver: "sec-alice",
          expires: day(end + (10 + r) * 24 * HOUR),
        },
        {
          rule: "py/legacy-crypto",
          reason: "migration",
          approver: "sec-alice",
          expires: day(end + 60 * 24 * HOUR),
        },
        ...(r % 2 === 0
          ? [
              {
                advisory: "GHSA-xxxx-old",
                reason: "no fix",
                approver: "sec-bob",
                expires: day(end - 5 * 24 * HOUR),
              },
            ]
          : []),
      ];
      const total = options.weeks * options.pullRequestsPerRepositoryWeek;
      for (let n = 1; n <= total; n++) {
        const opened = start + rand() * (end - start);
        const lines = Math.max(1, Math.round(batchScale * -Math.log(1 - rand() * 0.999)));
        const reasons: Record<string, unknown>[] = [];
        const escalations: Record<string, unknown>[] = [];
        if (lines > 400)
          reasons.push(reason("gate/batch-size", `The change has ${lines} changed lines, more than 400`));
        const roll = rand();
        if (roll < 0.04) {
          const source = pick(SOURCES);
          escalations.push({
            class: "escalation",
            kind: "added",
            severity: "high",
            source,
            sensitive: rand() < 0.3,
          });
          reasons.push(reason("gate/policy-escalation", `A ${source} privilege was added`));
        } else if (roll < 0.07) {
          const severity = pick(SEVERITIES);
          const category = rand() < 0.6 ? "sast" : "sca";
          const tool = category === "sast" ? "ESLint" : "secflow-sca";
          reasons.push({
            ...reason(
              "gate/new-finding",
              `New ${severity} ${category} finding demo/rule in src/a.js:1: simulated`,
            ),
            finding: { tool, category, severity, ruleId: "demo/rule" },
          });
        } else if (roll < 0.09)
          reasons.push(reason("gate/sensitive-path", "The change changes src/auth/login.js"));
        const review = reasons.length > 0;
        const first = opened + (5 + rand() * 20) * 60_000;
        const base = {
          repository,
          team,
          number: n,
          lines,
          version,
          waivers,
          escalations,
          expiredHit: r % 2 === 0 && rand() < 0.05,
        };
        history.evidence.push(
          evidence(base, run++, first, review ? "review" : "pass", review ? "review" : "pass", reasons, null),
        );
        let done = first;
        if (review) {
          const wait = reviewHours * (0.3 + 2 * rand()) * (1 + lines / 300) * HOUR;
          const approvedAt = first + wait;
          if (approvedAt > end) {
            history.pullRequests.push(pullRequest(repository, n, opened, null, null));
            continue;
          }
          history.evidence.push(
            evidence(
              base,
              run++,
              approvedAt + 60_000,
              "pass",
              "review",
              reasons,
              new Date(approvedAt).toISOString(),
            ),
          );
          done = approvedAt + 60_000;
        }
        const merged = done + (0.5 + 10 * rand()) * HOUR;
        history.pullRequests.push(
          pullRequest(repository, n, opened, merged <= end ? merged : null, merged <= end ? merged : null),
        );
      }
    }
  }
  return history;
}

function reason(rule: string, message: string) {
  return { rule, verdict: "review", message, identity: message };
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

interface Base {
  repository: string;
  team: string;
  number: number;
  lines: number;
  version: string;
  waivers: Record<string, unknown>[];
  escalations: Record<string, unknown>[];
  expiredHit: boolean;
}

function evidence(
  b: Base,
  runId: number,
  at: number,
  decision: string,
  ruleDecision: string,
  reasons: Record<string, unknown>[],
  approvedAt: string | null,
): Record<string, unknown> {
  const started = new Date(at - 40_000).toISOString();
  const expired = b.waivers.filter((w) => String(w.expires) < started.slice(0, 10));
  return {
    evidenceVersion: 2,
    tool: { name: "secflow change-gate", version: b.version },
    decision,
    ruleDecision,
    clearedBy: approvedAt ? "an approval of the head commit by sec-alice" : null,
    mode: "enforce",
    enforced: true,
    startedAt: started,
    finishedAt: new Date(at).toISOString(),
    run: {
      id: String(runId),
      attempt: 1,
      workflowRef: `${b.repository}/.github/workflows/secflow.yml@refs/pull/${b.number}/merge`,
      workflowSha: null,
      eventName: approvedAt ? "pull_request_review" : "pull_request",
      eventSha256: null,
      repository: b.repository,
    },
    repository: b.repository,
    pullRequest: {
      number: b.number,
      title: `Change ${b.number}`,
      url: `https://github.com/${b.repository}/pull/${b.number}`,
      author: `dev-${b.number % 7}`,
      event: "pull_request",
      headSha: (runId * 2654435761).toString(16).padStart(40, "0").slice(-40),
      size: { files: 1 + (b.lines % 9), additions: b.lines, deletions: 0, lines: b.lines },
      labels: [],
      files: [],
    },
    policy: { team: b.team, waivers: b.waivers, waiverMaxDays: 90 },
    reasons: decision === "pass" ? [] : reasons,
    rules: [],
    inputs: { sources: {}, sarif: [], policyDiff: b.escalations.length ? { changes: b.escalations } : null },
    approvals: approvedAt
      ? {
          approved: true,
          approvedBy: ["sec-alice"],
          required: 1,
          changesRequestedBy: [],
          reviews: [{ user: "sec-alice", state: "APPROVED", submittedAt: approvedAt }],
        }
      : null,
    labels: [],
    waivers: {
      maxDays: 90,
      applied: [],
      refused: [],
      refusedHits: [],
      expiredButMatching: b.expiredHit ? expired.map((waiver, index) => ({ waiver, index, what: "" })) : [],
      expired: expired.map((waiver, index) => ({ waiver, index, what: "" })),
    },
    notes: [],
  };
}

function pullRequest(
  repository: string,
  number: number,
  opened: number,
  merged: number | null,
  closed: number | null,
) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    number,
    state: closed ? "closed" : "open",
    created_at: iso(opened),
    updated_at: iso(closed ?? opened),
    closed_at: iso(closed),
    merged_at: iso(merged),
    base: { ref: "main", repo: { full_name: repository } },
  };
}

/** Writes a history as a folder of files, one per gate run and pull request. */
export async function writeHistory(dir: string, history: History): Promise<void> {
  await mkdir(path.join(dir, "pulls"), { recursive: true });
  await mkdir(path.join(dir, "evidence"), { recursive: true });
  const writes = [
    ...history.evidence.map((e, i) => [path.join(dir, "evidence", `${i}.json`), e] as const),
    ...history.pullRequests.map((p, i) => [path.join(dir, "pulls", `${i}.json`), p] as const),
  ];
  // A few hundred at a time: an organisation's history is more files than a process may hold open.
  for (let i = 0; i < writes.length; i += 256)
    await Promise.all(
      writes.slice(i, i + 256).map(([file, value]) => writeFile(file, JSON.stringify(value))),
    );
}
