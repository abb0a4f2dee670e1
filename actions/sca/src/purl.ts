import type { Ecosystem } from "./model.ts";

const TYPES: Record<Ecosystem, string> = {
  npm: "npm",
  PyPI: "pypi",
  Go: "golang",
  "crates.io": "cargo",
  Maven: "maven",
};

/** A package URL (https://github.com/package-url/purl-spec) for a package version. */
export function purl(ecosystem: Ecosystem, name: string, version: string): string {
  const type = TYPES[ecosystem];
  let path: string;
  if (ecosystem === "Maven") {
    const [group = "", artifact = ""] = name.split(":");
    path = `${encode(group)}/${encode(artifact)}`;
  } else if (ecosystem === "PyPI") {
    // The purl spec's PyPI names are lower case with "_" as "-".
    path = encode(name.toLowerCase().replace(/_/g, "-"));
  } else if (ecosystem === "npm" && name.startsWith("@")) {
    const [scope = "", bare = ""] = name.split("/");
    path = `${encode(scope)}/${encode(bare)}`;
  } else {
    // Go module paths keep their slashes as namespace segments.
    path = name.split("/").map(encode).join("/");
  }
  return `pkg:${type}/${path}@${encode(version)}`;
}

function encode(segment: string): string {
  // ":" and "/" must be escaped inside a segment; "@" of an npm scope too.
  return encodeURIComponent(segment).replace(/%2B/g, "+");
}
