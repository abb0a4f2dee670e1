import { change, policyDiff } from "./policy-diff.ts";
import { gitCommit, restCommit } from "./rest.ts";
import { type History, ROLLBACK_BODY, type Scenario, scenario, standardHistory, TOKEN } from "./scenario.ts";
import type { PullRequestEvent } from "./webhooks.ts";

export interface EscalationScenario {
  s: Scenario;
  h: History;
  /** Runs the gate on the pull request (author octo-dev) that adds a privilege: it needs a review. */
  gate(inputs?: Record<string, string>, event?: Partial<PullRequestEvent>): ReturnType<Scenario["gate"]>;
  /**
   * Tells the API who made the pull request's commits: `older` and `head` name the GitHub accounts
   * of each commit's author and committer (null: an e-mail no account has).
   */
  commits(accounts: { older: Accounts; head: Accounts }): Promise<void>;
}

type Accounts = { author: string | null; committer: string | null };

/** A repository whose base commit holds `config`, and a feature branch that escalates a privilege. */
export async function escalationScenario(config: string): Promise<EscalationScenario> {
  const s = await scenario();
  const h = await standardHistory(s.repo, config);
  const diff = await s.file("escalation.json", policyDiff(h.base, h.head, [change()]));
  return {
    s,
    h,
    async gate(inputs = {}, event = {}) {
      return s.gate(
        { "policy-diff": diff, token: TOKEN, ...inputs },
        await s.event({ author: "octo-dev", body: ROLLBACK_BODY, base: h.base, head: h.head, ...event }),
      );
    },
    async commits(accounts) {
      const older = restCommit(await gitCommit(s.repo, h.older), accounts.older);
      const head = restCommit(await gitCommit(s.repo, h.head), accounts.head);
      s.api.state.pullCommits = [older, head];
      s.api.state.commits = { [h.older]: older, [h.head]: head };
    },
  };
}

/** A configuration with no approvers: anyone with write access to the repository may approve. */
export function repositoryAccessConfig(gate = ""): string {
  return `version: 1
gate:
  expected: []
  sensitive-paths: ["src/auth/**"]
${gate}`;
}
