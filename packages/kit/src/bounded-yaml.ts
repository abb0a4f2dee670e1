// YAML from a repository is untrusted: an alias bomb ("billion laughs") expands to gigabytes,
// and deep nesting overflows the parser's stack. Both become a UserError that names the file.

import { UserError } from "@secflow/errors";
import { type Document, LineCounter, parseAllDocuments, parseDocument } from "yaml";

export const YAML_LIMITS = {
  /** Aliases one document may expand; real configs and manifests use a handful. */
  maxAliasCount: 100,
  /** Nesting no configuration or manifest needs; deeper overflows the parser. */
  maxDepth: 64,
  /** Characters read from one file. */
  maxChars: 8 * 1024 * 1024,
} as const;

export interface ParsedYaml {
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Parses one YAML document within the limits; syntax errors are a UserError with file:line. */
export function parseYaml(text: string, fileName: string): ParsedYaml {
  refuseOversized(text, fileName);
  const lines = new LineCounter();
  const doc = guard(() => parseDocument(text, { lineCounter: lines, prettyErrors: false }), fileName);
  if (doc.errors.some((e) => /call stack/i.test(e.message))) {
    throw new UserError(`${fileName}: YAML nested too deeply to read; secflow refuses the file.`);
  }
  if (doc.errors.length > 0) {
    throw new UserError(
      doc.errors
        .map((e) => `${fileName}:${lines.linePos(e.pos[0]).line}: ${e.message} (YAML syntax)`)
        .join("\n"),
    );
  }
  return { doc, lines };
}

/** Every document of a multi-document stream, within the same limits. */
export function parseYamlStream(
  text: string,
  fileName: string,
): { docs: Document.Parsed[]; lines: LineCounter } {
  refuseOversized(text, fileName);
  const lines = new LineCounter();
  const docs = guard(() => parseAllDocuments(text, { lineCounter: lines, prettyErrors: false }), fileName);
  return { docs: Array.isArray(docs) ? docs : [], lines };
}

/** The document as plain data, with aliases and depth bounded. */
export function yamlToJs(doc: Document.Parsed, fileName: string): unknown {
  const value = guard(() => doc.toJS({ maxAliasCount: YAML_LIMITS.maxAliasCount }), fileName);
  refuseDeep(value, fileName);
  return value;
}

function refuseOversized(text: string, fileName: string): void {
  if (text.length > YAML_LIMITS.maxChars) {
    throw new UserError(
      `${fileName}: ${text.length} characters, more than the ${YAML_LIMITS.maxChars} secflow reads from a YAML file.`,
    );
  }
}

function guard<T>(fn: () => T, fileName: string): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      throw new UserError(
        `${fileName}: YAML aliases expand past ${YAML_LIMITS.maxAliasCount} (an alias bomb?); secflow refuses the file.`,
      );
    }
    if (error instanceof RangeError) {
      throw new UserError(`${fileName}: YAML nested too deeply to read; secflow refuses the file.`);
    }
    throw error;
  }
}

function refuseDeep(value: unknown, fileName: string): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== "object" || node === null) continue;
    if (depth > YAML_LIMITS.maxDepth) {
      throw new UserError(
        `${fileName}: YAML nested more than ${YAML_LIMITS.maxDepth} levels deep; secflow refuses the file.`,
      );
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
}
