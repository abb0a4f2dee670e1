// Limits on what a YAML document may cost to read. A policy file comes from the pull request, so
// an alias bomb ("billion laughs"), an alias that contains itself or nesting thousands deep must
// end as "unreadable" with a reason, never as a crash, a hang or an exhausted heap.

import {
  type Alias,
  type Document,
  isAlias,
  isCollection,
  isDocument,
  isPair,
  isScalar,
  type LineCounter,
  type Node,
} from "yaml";
import { PolicyFileError } from "./policy-file-error.ts";

export const YAML_LIMITS = {
  /** Collections inside collections; real manifests and workflows stay far below. */
  maxDepth: 100,
  /** Values that aliases may add to one document when expanded. */
  maxAliasedValues: 100_000,
  /** The `yaml` package's maxAliasCount for toJS (its default): uses × nested aliases per anchor. */
  maxAliasCount: 100,
} as const;

interface Frame {
  node: unknown;
  depth: number;
  children: unknown[];
  next: number;
  /** Values in this node once aliases are expanded (itself included). */
  size: number;
}

/**
 * Checks one parsed document against YAML_LIMITS in a single pass in document order, without
 * recursion (so a deep document cannot overflow the stack here), and returns what each alias
 * refers to: resolving an alias through the `yaml` package walks the whole document every time,
 * which a file with many aliases turns into a hang.
 */
export function boundedAliases(doc: Document.Parsed, lines: LineCounter): Map<Alias, Node> {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  const sizes = new Map<unknown, number>();
  const lineOf = (node: unknown) => {
    const range = (node as Node | undefined)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  let aliased = 0;
  const stack: Frame[] = [];
  const enter = (node: unknown, depth: number) => {
    if (depth > YAML_LIMITS.maxDepth) {
      throw new PolicyFileError(`nested deeper than ${YAML_LIMITS.maxDepth} levels`, lineOf(node));
    }
    if ((isScalar(node) || isCollection(node)) && node.anchor) anchors.set(node.anchor, node);
    stack.push({ node, depth, children: childrenOf(node), next: 0, size: isPair(node) ? 0 : 1 });
  };
  enter(doc.contents, 0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      if (child === null || child === undefined) continue;
      if (isAlias(child)) {
        const target = anchors.get(child.source);
        if (!target)
          throw new PolicyFileError(
            `alias *${child.source} has no anchor &${child.source} before it`,
            lineOf(child),
          );
        if (stack.some((frame) => frame.node === target))
          throw new PolicyFileError(
            `alias *${child.source} refers to a value that contains it`,
            lineOf(child),
          );
        targets.set(child, target);
        const size = sizes.get(target) ?? 1;
        top.size += size;
        aliased += size;
        if (aliased > YAML_LIMITS.maxAliasedValues) {
          throw new PolicyFileError(
            `too many aliases: they expand to more than ${YAML_LIMITS.maxAliasedValues} values (an alias bomb?)`,
            lineOf(child),
          );
        }
      } else {
        enter(child, top.depth + (isCollection(child) ? 1 : 0));
      }
      continue;
    }
    stack.pop();
    sizes.set(top.node, top.size);
    const parent = stack[stack.length - 1];
    if (parent) parent.size += top.size;
  }
  return targets;
}

function childrenOf(node: unknown): unknown[] {
  if (isCollection(node)) return [...node.items];
  if (isPair(node)) return [node.key, node.value];
  return [];
}

/** A parse error of the `yaml` package in words a user can act on. */
export function describeYamlError(message: string): string {
  const first = message.split("\n")[0] ?? message;
  // The parser gives up on deep nesting with the engine's stack error.
  return /Maximum call stack size exceeded/.test(first)
    ? `nested deeper than ${YAML_LIMITS.maxDepth} levels`
    : first;
}

/** toJS within the `yaml` package's alias limit; going over it is a PolicyFileError, not a crash. */
export function boundedToJS(node: Node | Document, doc: Document): unknown {
  const options = { maxAliasCount: YAML_LIMITS.maxAliasCount };
  try {
    return isDocument(node) ? node.toJS(options) : node.toJS(doc, options);
  } catch (error) {
    if (error instanceof ReferenceError) throw new PolicyFileError(`too many aliases: ${error.message}`);
    throw error;
  }
}
