import type { GitHubApi } from "./github-api.ts";

/** Marks the gate's own comment, so later runs update it instead of adding another. */
export const COMMENT_MARKER = "<!-- secflow:change-gate -->";
// GitHub refuses comments over 65,536 characters.
const MAX_COMMENT = 65_000;

/**
 * Creates or updates the one pull-request comment the gate keeps. Only a bot's comment with the
 * marker is taken as ours: anyone can paste the marker into a comment of their own.
 */
export async function upsertComment(
  api: GitHubApi,
  pullNumber: number,
  markdown: string,
): Promise<"created" | "updated"> {
  let body = `${COMMENT_MARKER}\n${markdown}`;
  if (body.length > MAX_COMMENT)
    body = `${body.slice(0, MAX_COMMENT)}\n\n… (cut; the job summary has it all)`;
  const ours = (await api.comments(pullNumber)).find(
    (c) => c.userType === "Bot" && c.body.startsWith(COMMENT_MARKER),
  );
  if (ours) {
    await api.updateComment(ours.id, body);
    return "updated";
  }
  await api.createComment(pullNumber, body);
  return "created";
}
