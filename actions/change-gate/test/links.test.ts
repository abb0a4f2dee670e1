import { describe, expect, it } from "vitest";
import { blobUrl } from "../src/links.ts";

describe("links to files", () => {
  const base = {
    serverUrl: "https://github.example/",
    repository: { owner: "acme", repo: "shop" },
    headSha: "h1",
    baseSha: "b1",
  };

  it("encode every path segment, parentheses and quotes included, at the commit of the side", () => {
    expect(blobUrl(base, { path: "src/a (1)/it's #1.js", line: 4, side: "head" })).toBe(
      "https://github.example/acme/shop/blob/h1/src/a%20%281%29/it%27s%20%231.js#L4",
    );
    expect(blobUrl(base, { path: "x.js", line: 1, side: "base" })).toBe(
      "https://github.example/acme/shop/blob/b1/x.js#L1",
    );
  });

  it("are left out without a repository", () => {
    expect(
      blobUrl({ serverUrl: "https://github.com" }, { path: "x.js", line: 1, side: "head" }),
    ).toBeUndefined();
  });
});
