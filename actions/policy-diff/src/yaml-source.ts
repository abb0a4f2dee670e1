import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from "yaml";
import { PolicyFileError } from "./policy-file-error.ts";

/** Parsed YAML documents that remember the line of every node. */
export class YamlSource {
  private constructor(
    readonly documents: Document.Parsed[],
    private readonly lines: LineCounter,
  ) {}

  /** Parses one or more documents (`---`); a syntax error is a PolicyFileError at its line. */
  static parse(text: string): YamlSource {
    const lines = new LineCounter();
    const documents = [
      ...parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true }),
    ];
    for (const doc of documents) {
      const error = doc.errors[0];
      if (error) throw new PolicyFileError(firstLine(error.message), lines.linePos(error.pos[0]).line);
    }
    return new YamlSource(documents, lines);
  }

  /** 1-based line where a node starts; 1 when the node carries no position. */
  line(node: unknown): number {
    const range = (node as Node | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : 1;
  }
}

export interface YamlPair {
  key: string;
  keyNode: Node;
  value: Node | null;
}

/** The pairs of a mapping, aliases resolved; undefined when the node is not a mapping. */
export function pairsOf(node: unknown, doc: Document): YamlPair[] | undefined {
  const map = resolve(node, doc);
  if (!isMap(map)) return undefined;
  return map.items.map((pair) => {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    return { key, keyNode, value: (resolve(pair.value, doc) as Node | null) ?? null };
  });
}

export function pairNamed(node: unknown, doc: Document, key: string): YamlPair | undefined {
  return pairsOf(node, doc)?.find((pair) => pair.key === key);
}

/** The items of a sequence, aliases resolved; undefined when the node is not a sequence. */
export function itemsOf(node: unknown, doc: Document): Node[] | undefined {
  const seq = resolve(node, doc);
  if (!isSeq(seq)) return undefined;
  return seq.items.map((item) => resolve(item, doc) as Node);
}

/** A scalar as text (numbers and booleans too); undefined for mappings, sequences and null. */
export function textOf(node: unknown, doc: Document): string | undefined {
  const scalar = resolve(node, doc);
  if (!isScalar(scalar) || scalar.value === null || scalar.value === undefined) return undefined;
  return String(scalar.value);
}

/** The plain JavaScript value of a node. */
export function plainValueOf(node: unknown, doc: Document): unknown {
  const resolved = resolve(node, doc);
  if (resolved === null || resolved === undefined) return null;
  return (resolved as Node).toJS(doc, { maxAliasCount: 100 });
}

/**
 * Every scalar under a node with its text, for scans such as "which secrets are referenced".
 * Aliases are followed, with a budget so a file of nested aliases cannot make it explode.
 */
export function scalarsUnder(node: unknown, doc: Document, budget = 100_000): { text: string; node: Node }[] {
  const found: { text: string; node: Node }[] = [];
  let visits = 0;
  const visit = (current: unknown) => {
    if (++visits > budget) throw new PolicyFileError(`more than ${budget} values (nested aliases?)`);
    const resolved = resolve(current, doc);
    if (isScalar(resolved)) {
      if (typeof resolved.value === "string") found.push({ text: resolved.value, node: resolved });
    } else if (isMap(resolved)) {
      for (const pair of resolved.items) {
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(resolved)) {
      for (const item of resolved.items) visit(item);
    }
  };
  visit(node);
  return found;
}

function resolve(node: unknown, doc: Document): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
