// Writes the empty database that the bundled action starts a new database from (see
// BUNDLED_TEMPLATE in src/database.ts): PGlite's initdb, without tables. scripts/pglite-assets.mjs
// bundles this file beside the PGlite assets and runs it: node <bundle> <file.tar.gz>
import { createEmptyDatabase } from "../src/database.ts";

const [file] = process.argv.slice(2);
if (!file) throw new Error("usage: empty-database <file.tar.gz>");
await createEmptyDatabase(file);
