// YAML from a repository is untrusted: an alias bomb ("billion laughs") expands to gigabytes,
// an alias that contains itself never ends, and deep nesting overflows the parser's stack. The
// readers here bound all three for every YAML file secflow reads; a configuration past them is a
// UserError that names the file, a policy file is "unreadable" (policy-diff's YamlSource).

import { UserError } from "@secflow/errors";
import {
  type Alias,
  type Document,
  isAlias,
  isCollection,
  isDocument,
  isPair,
  isScalar,
  LineCounter,
  type Node,
  parseDocument,
} from "yaml";

/** One set of limits for every YAML secflow reads: configurations, workflows, policy files. */
export const YAML_LIMITS = {
  /** Collections inside collections; real configs, manifests and workflows stay far below. */
  maxDepth: 100,
  /** Values that aliases may add to one document when expanded; real files use a handful. */
  maxAliasedValues: 100_000,
  /** The `yaml` package's maxAliasCount for toJS (its default): uses × nested aliases per anchor. */
  maxAliasCount: 100,
  /** Characters read from one file. */
  maxChars: 8 * 1024 * 1024,
} as const;

/** A document past YAML_LIMITS, at its line when known; callers say which file. */
export class YamlLimitError extends Error {
  override readonly name = "YamlLimitError";
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

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
  refusedOverLimits(() => boundedAliases(doc, lines), fileName);
  return { doc, lines };
}

/** The document as plain data, with aliases and depth bounded. */
export function yamlToJs(doc: Document.Parsed, fileName: string): unknown {
  const value = refusedOverLimits(() => boundedToJS(doc, doc), fileName);
  refuseDeep(value, fileName);
  return value;
}

/** A configuration or workflow past YAML_LIMITS is refused: a UserError naming the file and line. */
function refusedOverLimits<T>(read: () => T, fileName: string): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof YamlLimitError)) throw error;
    const at = error.line === undefined ? "" : `${error.line}:`;
    throw new UserError(`${fileName}:${at} ${error.message}; secflow refuses the file.`);
  }
}

function refuseOversized(text: string, fileName: string): void {
  if (text.length > YAML_LIMITS.maxChars) {
    throw new UserError(
      `${fileName}: ${text.length} characters, more than the ${YAML_LIMITS.maxChars} secflow reads from a YAML file.`,
    );
  }
}

/** The parser gives up on deep nesting with the engine's stack error. */
function guard<T>(fn: () => T, fileName: string): T {
  try {
    return fn();
  } catch (error) {
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
 * which a file with many aliases turns into a hang. Past a limit: a YamlLimitError.
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
      throw new YamlLimitError(`nested deeper than ${YAML_LIMITS.maxDepth} levels`, lineOf(node));
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
          throw new YamlLimitError(
            `alias *${child.source} has no anchor &${child.source} before it`,
            lineOf(child),
          );
        if (stack.some((frame) => frame.node === target))
          throw new YamlLimitError(
            `alias *${child.source} refers to a value that contains it`,
            lineOf(child),
          );
        targets.set(child, target);
        const size = sizes.get(target) ?? 1;
        top.size += size;
        aliased += size;
        if (aliased > YAML_LIMITS.maxAliasedValues) {
          throw new YamlLimitError(
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

/** toJS within the `yaml` package's alias limit; going over it is a YamlLimitError, not a crash. */
export function boundedToJS(node: Node | Document, doc: Document): unknown {
  const options = { maxAliasCount: YAML_LIMITS.maxAliasCount };
  try {
    return isDocument(node) ? node.toJS(options) : node.toJS(doc, options);
  } catch (error) {
    if (error instanceof ReferenceError) throw new YamlLimitError(`too many aliases: ${error.message}`);
    throw error;
  }
}
