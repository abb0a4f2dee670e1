import type { Review } from "./github-api.ts";

/** States that set where a reviewer stands; a comment or a pending review leaves it as it was. */
const DECISIVE = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);

/**
 * Each reviewer's standing review, as GitHub computes it for branch protection: their latest
 * approval, change request or dismissed review. The API lists reviews oldest first.
 */
export function standingReviews(reviews: readonly Review[]): Map<string, Review> {
  const standing = new Map<string, Review>();
  for (const review of reviews) {
    if (DECISIVE.has(review.state)) standing.set(review.user.toLowerCase(), review);
  }
  return standing;
}

/** Why a review is not the one that counts for its reviewer. */
export function notStanding(review: Review, standing: ReadonlyMap<string, Review>): string | undefined {
  if (standing.get(review.user.toLowerCase()) === review) return undefined;
  if (!DECISIVE.has(review.state)) {
    return review.state === "PENDING" ? "a pending review, not submitted" : "a comment, not an approval";
  }
  return "superseded by the reviewer's later review";
}

/** A GitHub App or a workflow's token (github-actions[bot]) rather than a person. */
export function isBot(login: string, type?: string): boolean {
  return type === "Bot" || /\[bot\]$/i.test(login);
}
