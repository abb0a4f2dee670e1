import { webhookExample, writeEvent } from "@secflow/kit/testing";
import { describe, expect, it } from "vitest";
import { brief, diffCommitsCleanedUpAfterAll } from "./repo.ts";

// Issue #11, item 7: a pull request that makes its own author a code owner of a security-
// sensitive path gets that author's approval counted on those paths from then on.

const OWNERS = "*          @acme/developers\n.github/   @acme/security\n";
const FILES = {
  ".github/workflows/deploy.yml":
    "on: push\npermissions: { contents: read }\njobs:\n  deploy: { runs-on: ubuntu-latest, steps: [{ run: make }] }\n",
  "payments/charge.ts": "x",
  "docs/guide.md": "x",
  ".github/CODEOWNERS": OWNERS,
};

/** A real pull_request payload (GitHub's example) opened by `login`. */
async function pullRequestBy(login: string) {
  const payload = webhookExample("pull_request", "opened");
  payload.pull_request.user.login = login;
  return writeEvent("pull_request", payload);
}

const diff = diffCommitsCleanedUpAfterAll();

describe("CODEOWNERS: the author made a code owner", () => {
  it("of .github/ is a high escalation (attack: it passed as a neutral ownership change)", async () => {
    const { diff: d } = await diff(
      FILES,
      { ".github/CODEOWNERS": `${OWNERS}.github/workflows/ @Mallory\n` },
      {},
      await pullRequestBy("mallory"),
    );
    expect(brief(d)).toEqual([
      "removed escalation/high @acme/security | required code-owner review | .github/ (.github/workflows/deploy.yml)",
      "added escalation/high @mallory (the pull request's author) | code-owner approval | .github/workflows/ (.github/workflows/deploy.yml)",
    ]);
    expect(d.changes[0]).toMatchObject({
      source: "codeowners",
      file: ".github/CODEOWNERS",
      line: 3,
      side: "head",
    });
  });

  it("of a path the base config's gate.sensitive-paths names, or of a policy file, escalates too", async () => {
    const config = "gate:\n  sensitive-paths: ['payments/**']\n";
    const { diff: d } = await diff(
      { ...FILES, ".github/secflow.yml": config, "k8s/rbac.yaml": "# none yet\n" },
      { ".github/CODEOWNERS": `${OWNERS}/payments/ @mallory\n/k8s/ @mallory\n/docs/ @mallory\n` },
      {},
      await pullRequestBy("Mallory"),
    );
    expect(brief(d)).toEqual([
      "added escalation/high @mallory (the pull request's author) | code-owner approval | /payments/ (payments/charge.ts)",
      "added escalation/high @mallory (the pull request's author) | code-owner approval | /k8s/ (k8s/rbac.yaml)",
      "removed neutral/info @acme/developers | required code-owner review | * (payments/charge.ts)",
      "removed neutral/info @acme/developers | required code-owner review | * (k8s/rbac.yaml)",
      "removed neutral/info @acme/developers | required code-owner review | * (docs/guide.md)",
      "added neutral/info @mallory | required code-owner review | /docs/ (docs/guide.md)",
    ]);
  });

  it("control: another person made an owner, or the author of a path that is not sensitive, stays neutral", async () => {
    const { diff: d } = await diff(
      FILES,
      { ".github/CODEOWNERS": `${OWNERS}.github/workflows/ @acme/security @octocat\n/docs/ @mallory\n` },
      {},
      await pullRequestBy("mallory"),
    );
    expect(d.counts.escalations).toBe(0);
    expect(brief(d)).toContain(
      "added neutral/info @octocat | required code-owner review | .github/workflows/ (.github/workflows/deploy.yml)",
    );
  });

  it("is skipped without an event (a local run), and the log says so", async () => {
    const { diff: d, log } = await diff(FILES, {
      ".github/CODEOWNERS": `${OWNERS}.github/workflows/ @mallory\n`,
    });
    expect(d.counts.escalations).toBe(1); // only the security team's loss
    expect(log).toContain(
      "No event payload (a local run): the check that a pull request does not make its author a code owner of a security-sensitive path is skipped.",
    );
  });

  it("is skipped on a push, which names no pull request author, and the log says so", async () => {
    const payload = { ...webhookExample("push"), ref: "refs/heads/main", created: false };
    const { log } = await diff(FILES, { "docs/guide.md": "y" }, {}, await writeEvent("push", payload));
    expect(log).toContain("The push event names no pull request author:");
  });
});
