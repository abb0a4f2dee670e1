// The file action.yml runs (bundled into dist/index.js); main.ts is kept importable for
// @github/local-action, which calls its run().
import { run } from "./main.ts";

await run();
