// Reads the sections of a pull-request description: "## Rollback plan" (or a bold line such as
// "**Rollback plan:** revert the commit") followed by text. A heading left empty, or holding
// only a template's <!-- comment -->, does not count as written.

const ATX = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const BOLD = /^ {0,3}(\*\*|__)(.+?)\1[ \t]*:?[ \t]*(.*)$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The normalized names of the sections that have content. */
export function writtenSections(markdown: string): Set<string> {
  const text = markdown.replace(/<!--[\s\S]*?(-->|$)/g, "");
  const written = new Set<string>();
  let current: string | undefined;
  let fence: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const fenceMark = FENCE.exec(line)?.[1];
    if (fence) {
      if (fenceMark?.startsWith(fence)) fence = undefined;
      if (current) written.add(current);
      continue;
    }
    if (fenceMark) {
      fence = fenceMark;
      if (current) written.add(current);
      continue;
    }
    const heading = ATX.exec(line);
    const bold = heading ? undefined : BOLD.exec(line);
    if (heading || bold) {
      current = normalize(heading?.[1] ?? bold?.[2] ?? "");
      if (bold?.[3]?.trim()) written.add(current);
    } else if (current && line.trim() !== "") written.add(current);
  }
  return written;
}

/** The required sections the description lacks or leaves empty, as the policy names them. */
export function missingSections(body: string | undefined, required: readonly string[]): string[] {
  const written = writtenSections(body ?? "");
  return required.filter((section) => !written.has(normalize(section)));
}

function normalize(name: string): string {
  return name.replace(/[*_`]/g, "").replace(/:\s*$/, "").replace(/\s+/g, " ").trim().toLowerCase();
}
