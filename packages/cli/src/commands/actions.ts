import type { ActionCommand } from "./action.ts";

/** The actions, by CLI command name; loaded on first use. */
export const ACTIONS = {
  sast: { folder: "sast", load: () => import("@secflow/action-sast") },
  sca: { folder: "sca", load: () => import("@secflow/action-sca") },
  "policy-diff": { folder: "policy-diff", load: () => import("@secflow/action-policy-diff") },
  gate: { folder: "change-gate", load: () => import("@secflow/action-change-gate") },
  report: { folder: "flow-report", load: () => import("@secflow/action-flow-report") },
} satisfies Record<string, ActionCommand>;
