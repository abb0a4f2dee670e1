import { defineConfig } from "vitest/config";

// One config for the whole repository: workspace packages resolve to their TypeScript
// sources through the "source" export condition, so tests never need a build first.
export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    include: ["{packages,actions}/*/{src,test}/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
