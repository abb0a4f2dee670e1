import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

// One config for the whole repository: workspace packages resolve to their TypeScript
// sources through the "source" export condition, so tests never need a build first.
export default defineConfig({
  plugins: [
    {
      // @actions/workflow-parser ships source maps without their sources; load it without them
      // rather than have Vite warn once per file (test/workflows.test.ts).
      name: "workflow-parser-without-source-maps",
      load(id) {
        if (!/[\\/]node_modules[\\/]@actions[\\/]workflow-parser[\\/].*\.js$/.test(id)) return null;
        return readFileSync(id, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
      },
    },
  ],
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"], externalConditions: ["source"] } },
  test: {
    include: ["{packages,actions}/*/{src,test}/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // @actions/workflow-parser imports its JSON schemas without import attributes, which Node
    // refuses; through Vite they load.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
