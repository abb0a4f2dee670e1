#!/usr/bin/env node
// Moves <component>/vX and <component>/vX.Y to the commit of a fresh <component>/vX.Y.Z release.
// Reads release-please's outputs (RELEASE_OUTPUTS, JSON) for the released ACTION_PATH. git runs
// with an argument vector, never through a shell.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { releaseTags } from "./release-tags.mjs";

const outputs = JSON.parse(process.env.RELEASE_OUTPUTS ?? "{}");
const path = process.env.ACTION_PATH ?? "";
const config = JSON.parse(readFileSync("release-please-config.json", "utf8"));
const component = config.packages[path]?.component;
if (!component) throw new Error(`${path} is not a package in release-please-config.json`);
const { version } = JSON.parse(readFileSync(join(path, "package.json"), "utf8"));
const { release, moving } = releaseTags(component, version);
if (outputs[`${path}--tag_name`] !== release) {
  throw new Error(`release-please tagged ${outputs[`${path}--tag_name`]}, expected ${release}`);
}
const git = (...args) => execFileSync("git", args, { stdio: "inherit" });
for (const tag of moving) {
  git("tag", "--force", tag, `${release}^{commit}`);
  git("push", "--force", "origin", `refs/tags/${tag}`);
}
console.log(`${moving.join(" and ")} now point at ${release}`);
