// A merge queue tests each entry on a branch gh-readonly-queue/<base>/pr-<number>-<sha>; the
// merge_group payload names that branch (head_ref) and nothing else about the pull request.
const QUEUE_BRANCH = /^(?:refs\/heads\/)?gh-readonly-queue\/.+\/pr-(\d+)-[0-9a-f]{40,64}$/;

/** The number of the pull request a merge group was made for, from the queue branch's name. */
export function queuedPullRequest(headRef: string | undefined): number | undefined {
  const match = QUEUE_BRANCH.exec(headRef ?? "");
  return match?.[1] ? Number(match[1]) : undefined;
}
