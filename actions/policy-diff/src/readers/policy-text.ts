/** A policy file as read from one commit. */
export interface PolicyText {
  /** The path in that commit. */
  path: string;
  /** The path in head (differs for a file renamed since base); grants are scoped by it. */
  identityPath: string;
  text: string;
}
