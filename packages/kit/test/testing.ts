// Test helpers shared by every package's tests: `import { … } from "@secflow/kit/testing"`.

export * from "./captured-io.ts";
export * from "./events.ts";
export * from "./markdown-tables.ts";
export * from "./temp-repo.ts";
