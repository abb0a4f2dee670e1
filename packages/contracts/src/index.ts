export * from "./policy-diff.ts";
