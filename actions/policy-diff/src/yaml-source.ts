import { boundedAliases, boundedToJS, describeYamlError, YamlLimitError } from "@secflow/kit";
import {
  type Alias,
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

/** What each alias of a document parsed here refers to (see boundedAliases). */
const aliasTargets = new WeakMap<Document, Map<Alias, Node>>();

/** Parsed YAML documents that remember the line of every node. */
export class YamlSource {
  private constructor(
    readonly documents: Document.Parsed[],
    private readonly lines: LineCounter,
  ) {}

  /**
   * Parses one or more documents (`---`); a syntax error, nesting too deep or aliases that
   * expand too far are a PolicyFileError at their line.
   */
  static parse(text: string): YamlSource {
    const lines = new LineCounter();
    let documents: Document.Parsed[];
    try {
      documents = [...parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })];
    } catch (error) {
      if (error instanceof RangeError) throw new PolicyFileError(describeYamlError(error.message));
      throw error;
    }
    for (const doc of documents) {
      const error = doc.errors[0];
      if (error)
        throw new PolicyFileError(describeYamlError(error.message), lines.linePos(error.pos[0]).line);
    }
    for (const doc of documents)
      aliasTargets.set(
        doc,
        unreadableIfOverLimits(() => boundedAliases(doc, lines)),
      );
    return new YamlSource(documents, lines);
  }

  /**
   * The documents that hold something. As kubectl reads a stream, an empty document (`---`
   * followed by `---`, only comments, or `null`) is skipped rather than read as a value.
   */
  get contentDocuments(): Document.Parsed[] {
    return this.documents.filter((doc) => !isEmptyDocument(doc));
  }

  /** 1-based line where a node starts; 1 when the node carries no position. */
  line(node: unknown): number {
    const range = (node as Node | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : 1;
  }
}

/** A policy file past the kit's YAML limits is unreadable, at the line the limit names. */
function unreadableIfOverLimits<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof YamlLimitError) throw new PolicyFileError(error.message, error.line);
    throw error;
  }
}

/** A whole document as plain data, within the alias limit. */
export function documentValue(doc: Document): unknown {
  return unreadableIfOverLimits(() => boundedToJS(doc, doc));
}

/** An empty document parses as a null scalar; a document that is `null` holds nothing either. */
function isEmptyDocument(doc: Document): boolean {
  const contents = doc.contents;
  return contents === null || (isScalar(contents) && contents.value === null);
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
  return unreadableIfOverLimits(() => boundedToJS(resolved as Node, doc));
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
  if (!isAlias(node)) return node;
  const targets = aliasTargets.get(doc);
  return targets ? targets.get(node) : node.resolve(doc);
}
