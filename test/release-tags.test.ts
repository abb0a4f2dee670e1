import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { releaseTags } from "../scripts/release-tags.mjs";

const root = join(import.meta.dirname, "..");
const config = JSON.parse(readFileSync(join(root, "release-please-config.json"), "utf8"));
const manifest = JSON.parse(readFileSync(join(root, ".release-please-manifest.json"), "utf8"));

/** What `git check-ref-format` says of a tag name; throws when git refuses it. */
function checkRef(tag: string): void {
  execFileSync("git", ["check-ref-format", `refs/tags/${tag}`]);
}

describe("release tags", () => {
  const packages = Object.entries(config.packages) as [string, { component: string }][];

  it("release each action on its own, with its own version, tagged <component>/vX.Y.Z", () => {
    expect(config["tag-separator"]).toBe("/");
    expect(config["include-v-in-tag"]).toBe(true);
    expect(config["include-component-in-tag"]).toBe(true);
    for (const [path, { component }] of packages) {
      const pkg = JSON.parse(readFileSync(join(root, path, "package.json"), "utf8"));
      expect(manifest[path], `${path} in .release-please-manifest.json`).toBe(pkg.version);
      expect(component).toBe(path.split("/").pop());
    }
  });

  it("are valid git refs and valid in `uses:` (no second @) for every action's current version", () => {
    for (const [path, { component }] of packages) {
      const { release, moving } = releaseTags(component, manifest[path]);
      for (const tag of [release, ...moving]) {
        expect(() => checkRef(tag)).not.toThrow();
        expect(tag).not.toContain("@");
        expect(`acme/secflow/${path}@${tag}`.split("@")).toHaveLength(2);
      }
      expect(release).toMatch(new RegExp(`^${component}/v\\d+\\.\\d+\\.\\d+$`));
      expect(moving).toEqual([release.replace(/\.\d+\.\d+$/, ""), release.replace(/\.\d+$/, "")]);
    }
  });

  it("refuse versions that are not X.Y.Z", () => {
    expect(() => releaseTags("sast", "1.2")).toThrow(/not a release version/);
    expect(() => releaseTags("sast", "1.2.3@beta")).toThrow(/not a release version/);
  });

  it("would be rejected by git with an @{ in them, which the scheme never produces", () => {
    expect(() => checkRef("sast@{1")).toThrow();
  });
});
