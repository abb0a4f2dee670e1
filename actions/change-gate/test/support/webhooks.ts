import { writeFile } from "node:fs/promises";
import path from "node:path";
// Real payloads from @octokit/webhooks-examples; tests change only the fields under test.
import { webhookExample } from "@secflow/kit/testing";

export interface PullRequestEvent {
  base: string;
  head: string;
  author?: string;
  title?: string;
  body?: string | null;
  labels?: string[];
  event?: "pull_request" | "pull_request_review";
}

/** A pull_request (or pull_request_review) payload written to dir; returns the runner's env for it. */
export async function pullRequestEvent(dir: string, spec: PullRequestEvent): Promise<Record<string, string>> {
  const eventName = spec.event ?? "pull_request";
  const payload =
    eventName === "pull_request"
      ? webhookExample("pull_request", "opened")
      : webhookExample("pull_request_review", "submitted");
  const pr = payload.pull_request;
  pr.base.sha = spec.base;
  pr.head.sha = spec.head;
  if (spec.author) pr.user.login = spec.author;
  if (spec.title !== undefined) pr.title = spec.title;
  if (spec.body !== undefined) pr.body = spec.body;
  if (spec.labels) {
    const label = webhookExample("pull_request", "labeled").label;
    pr.labels = spec.labels.map((name) => ({ ...label, name }));
  }
  const file = path.join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(payload));
  return { GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: file };
}

/** A merge queue's merge_group payload naming the group's base and head, written to dir. */
export async function mergeGroupEvent(
  dir: string,
  commits: { base: string; head: string },
): Promise<Record<string, string>> {
  const payload = webhookExample("merge_group", "checks_requested");
  payload.merge_group.base_sha = commits.base;
  payload.merge_group.head_sha = commits.head;
  const file = path.join(dir, `event-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(payload));
  return { GITHUB_EVENT_NAME: "merge_group", GITHUB_EVENT_PATH: file };
}

/** A review as the REST API lists it, made from the real review in the pull_request_review example. */
export function apiReview(
  user: string,
  state: string,
  commitId: string,
  submittedAt: string,
  association = "MEMBER",
) {
  const review = webhookExample("pull_request_review", "submitted").review;
  return {
    ...review,
    user: { ...review.user, login: user },
    state,
    commit_id: commitId,
    submitted_at: submittedAt,
    author_association: association,
  };
}

/** A "labeled" issue event, made from the real pull_request.labeled example. */
export function labeledEvent(label: string, actor: string, createdAt = "2026-01-02T03:04:05Z") {
  const example = webhookExample("pull_request", "labeled");
  return {
    id: example.label.id,
    event: "labeled",
    actor: { ...example.sender, login: actor },
    label: { ...example.label, name: label },
    created_at: createdAt,
  };
}
