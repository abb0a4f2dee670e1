import { type ActionIO, readEventPayload } from "@secflow/kit";

const CHECK =
  "the check that a pull request does not make its author a code owner of a security-sensitive path";

/**
 * The pull request's author from the event payload (pull_request.user.login), which the pull
 * request cannot edit. Without one (a local run, a push or merge-queue event) the check that
 * needs it is skipped, and the log says so.
 */
export async function pullRequestAuthor(env: NodeJS.ProcessEnv, io: ActionIO): Promise<string | undefined> {
  const payload = await readEventPayload(env);
  const login = payload?.pull_request?.user?.login;
  if (login) return login;
  io.info(
    payload === undefined
      ? `No event payload (a local run): ${CHECK} is skipped.`
      : `The ${env.GITHUB_EVENT_NAME} event names no pull request author: ${CHECK} is skipped.`,
  );
  return undefined;
}
