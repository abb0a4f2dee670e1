import type { Location } from "./reasons.ts";
import type { LinkBase } from "./report.ts";

/** A link to a file and line at the commit the location is in; undefined without a repository. */
export function blobUrl(base: LinkBase, location: Location): string | undefined {
  const sha = location.side === "base" ? base.baseSha : base.headSha;
  if (!base.repository || !sha) return undefined;
  const { owner, repo } = base.repository;
  const file = location.path.split("/").map(segment).join("/");
  return `${base.serverUrl.replace(/\/+$/, "")}/${segment(owner)}/${segment(repo)}/blob/${sha}/${file}#L${location.line}`;
}

/** encodeURIComponent leaves ( ) ' * ! alone; parentheses would end a Markdown link early. */
function segment(text: string): string {
  return encodeURIComponent(text).replace(
    /[()'*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
