import { parse } from "yaml";

/**
 * The body rows of the Markdown table whose first header cell is `first`, as trimmed cells
 * (escaped pipes stay inside their cell). For tests that hold a README to its action.yml.
 */
export function tableRows(markdown: string, first: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => new RegExp(`^\\|\\s*${first}\\s*\\|`).test(l));
  if (start === -1) throw new Error(`no table with a first column "${first}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

interface ActionYml {
  inputs?: Record<string, { description: string; default?: string }>;
  outputs?: Record<string, { description: string }>;
}

/**
 * A description as one table cell: on one line, its pipes escaped, and `<` as `&lt;` (GitHub
 * drops `<ecosystem>` from the page as an HTML tag it does not allow).
 */
const cell = (text: string) => text.replace(/\s+/g, " ").trim().replace(/\|/g, "\\|").replace(/</g, "&lt;");

/**
 * The rows an action's README inputs and outputs tables must hold, from its action.yml text:
 * `` `name` ``, the description, and `` `default` `` (an empty cell for none or an empty one).
 */
export function actionTables(actionYml: string): { inputs: string[][]; outputs: string[][] } {
  const action = parse(actionYml) as ActionYml;
  return {
    inputs: Object.entries(action.inputs ?? {}).map(([name, i]) => [
      `\`${name}\``,
      cell(i.description),
      i.default === undefined || i.default === "" ? "" : `\`${i.default}\``,
    ]),
    outputs: Object.entries(action.outputs ?? {}).map(([name, o]) => [`\`${name}\``, cell(o.description)]),
  };
}
