import type { ChangedFile } from "@secflow/kit";

/** The pull request as the rules see it (a subset of kit's PullRequestContext). */
export interface ChangeFacts {
  additions: number;
  deletions: number;
  changedFiles: ChangedFile[];
  changedFileCount: number;
  labels: string[];
  body?: string;
  author?: string;
  number?: number;
}
