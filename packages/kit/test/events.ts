import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

// Real webhook payloads from @octokit/webhooks-examples, rewritten only in the commits they name,
// so the kit's change resolver and every action read what a runner would hand them.

interface Example {
  name: string;
  examples: Record<string, any>[];
}

const require = createRequire(import.meta.url);
const all: Example[] = JSON.parse(readFileSync(require.resolve("@octokit/webhooks-examples"), "utf8"));

/** The first example of an event (and action, when given), deep-copied. */
export function webhookExample(name: string, action?: string): Record<string, any> {
  const found = all
    .find((e) => e.name === name)
    ?.examples.find((e) => action === undefined || e.action === action);
  if (!found)
    throw new Error(`no ${name}${action ? `.${action}` : ""} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

export type EventName =
  | "pull_request"
  | "pull_request_target"
  | "pull_request_review"
  | "merge_group"
  | "push"
  | "workflow_dispatch"
  | "schedule";

/**
 * Writes the payload of `name` naming `base` and `head` where that event carries its commits
 * (pull_request_target has pull_request's payload; schedule has none in the examples and gets
 * GitHub's `{ schedule }`). Returns the runner's environment for it.
 */
export async function eventEnv(
  name: EventName,
  commits: { base?: string; head?: string },
  dir?: string,
): Promise<{ GITHUB_EVENT_NAME: string; GITHUB_EVENT_PATH: string }> {
  return writeEvent(name, payloadFor(name, commits), dir);
}

/** Writes a payload as the runner does; returns the runner's environment for it. */
export async function writeEvent(
  name: string,
  payload: Record<string, any>,
  dir?: string,
): Promise<{ GITHUB_EVENT_NAME: string; GITHUB_EVENT_PATH: string }> {
  const folder = dir ?? (await mkdtemp(path.join(tmpdir(), "secflow-event-")));
  const file = path.join(folder, `${name}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(payload));
  return { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: file };
}

function payloadFor(name: EventName, { base, head }: { base?: string; head?: string }): Record<string, any> {
  switch (name) {
    case "pull_request":
    case "pull_request_target":
    case "pull_request_review": {
      const payload =
        name === "pull_request_review"
          ? webhookExample("pull_request_review", "submitted")
          : webhookExample("pull_request", "opened");
      if (base) payload.pull_request.base.sha = base;
      if (head) payload.pull_request.head.sha = head;
      return payload;
    }
    case "merge_group": {
      const payload = webhookExample("merge_group", "checks_requested");
      if (base) payload.merge_group.base_sha = base;
      if (head) payload.merge_group.head_sha = head;
      return payload;
    }
    case "push": {
      const payload = webhookExample("push");
      payload.ref = "refs/heads/main";
      payload.created = base === undefined;
      payload.before = base ?? "0".repeat(40);
      if (head) payload.after = head;
      return payload;
    }
    case "workflow_dispatch":
      return webhookExample("workflow_dispatch");
    case "schedule":
      return { schedule: "17 3 * * *" };
  }
}
