import { readFile } from "node:fs/promises";
import { UserError } from "@secflow/errors";

/**
 * The runner names the event in GITHUB_EVENT_NAME beside the payload; locally only the payload
 * is given (`--event FILE`), so the name is read off its shape.
 */
export async function eventNameOf(file: string): Promise<string> {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new UserError(`--event ${file}: cannot read the event payload (${(error as Error).message})`);
  }
  if (payload.pull_request && payload.review) return "pull_request_review";
  if (payload.pull_request) return "pull_request";
  if (payload.merge_group) return "merge_group";
  if (payload.workflow_run) return "workflow_run";
  if (payload.schedule) return "schedule";
  if (typeof payload.before === "string" && typeof payload.after === "string") return "push";
  if ("inputs" in payload && "ref" in payload) return "workflow_dispatch";
  throw new UserError(
    `--event ${file}: cannot tell which event this payload is; set GITHUB_EVENT_NAME (pull_request, merge_group, push, …).`,
  );
}
