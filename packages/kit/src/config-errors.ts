import type { ErrorObject } from "ajv";
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from "yaml";

// Turns ajv's errors into "<what is wrong> (<json pointer>)" with the line of the YAML node.

export interface LocatedProblem {
  line: number;
  message: string;
  pointer: string;
}

export function describeSchemaErrors(
  errors: readonly ErrorObject[],
  doc: Document,
  lines: LineCounter,
): LocatedProblem[] {
  // An anyOf failure lists its branches' errors too; they are folded into its own message.
  const anyOfs = errors.filter((e) => e.keyword === "anyOf");
  const isBranch = (e: ErrorObject) =>
    anyOfs.some(
      (a) => e !== a && e.instancePath === a.instancePath && e.schemaPath.startsWith(`${a.schemaPath}/`),
    );
  const problems: LocatedProblem[] = [];
  for (const error of errors) {
    if (isBranch(error)) continue;
    const segments = decodePointer(error.instancePath);
    let message: string;
    let keyOf: string | undefined;
    switch (error.keyword) {
      case "additionalProperties": {
        keyOf = String(error.params.additionalProperty);
        const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
        message = `unknown property ${JSON.stringify(keyOf)}${suggest(keyOf, known)}`;
        break;
      }
      case "required":
        message = `missing required property ${JSON.stringify(error.params.missingProperty)}`;
        break;
      case "anyOf": {
        const options = errors
          .filter((e) => isBranch(e) && e.keyword === "required" && e.instancePath === error.instancePath)
          .map((e) => String(e.params.missingProperty));
        message = options.length ? `needs one of ${options.join(", ")}` : "does not match any allowed form";
        break;
      }
      case "enum":
        message = `must be one of ${(error.params.allowedValues as unknown[]).join(", ")}, not ${JSON.stringify(error.data)}`;
        break;
      case "type":
        message = `must be ${TYPE_NAMES[String(error.params.type)] ?? String(error.params.type)}`;
        break;
      case "format":
        message =
          error.params.format === "date"
            ? `must be a date written YYYY-MM-DD, not ${JSON.stringify(error.data)}`
            : (error.message ?? "is invalid");
        break;
      case "pattern":
        message = `is not valid: ${String(error.parentSchema?.description ?? `it must match ${error.params.pattern}`)}`;
        break;
      case "minLength":
      case "minItems":
        message = "must not be empty";
        break;
      case "uniqueItems":
        message = "must not list the same item twice";
        break;
      default:
        message = error.message ?? `fails ${error.keyword}`;
    }
    const pointerSegments = keyOf === undefined ? segments : [...segments, keyOf];
    problems.push({
      line: lineOf(doc, lines, segments, keyOf),
      message,
      pointer: encodePointer(pointerSegments),
    });
  }
  return problems.sort((a, b) => a.line - b.line);
}

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping (key: value)",
  array: "a list",
  string: "text",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
};

/** The line of the node at the path; of the key itself when keyOf names one in that mapping. */
function lineOf(doc: Document, lines: LineCounter, segments: string[], keyOf?: string): number {
  let node: unknown = doc.contents;
  let found: Node | undefined = isNode(node) ? node : undefined;
  const path = keyOf === undefined ? segments : [...segments, keyOf];
  for (const [index, segment] of path.entries()) {
    let next: unknown;
    if (isSeq(node)) next = node.items[Number(segment)];
    else if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === segment,
      );
      // For an unknown key, point at the key rather than its value.
      next = index === path.length - 1 && keyOf !== undefined ? pair?.key : pair?.value;
    }
    if (!isNode(next)) break;
    node = next;
    found = next;
  }
  const offset = found?.range?.[0] ?? 0;
  return lines.linePos(offset).line;
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && "range" in value;
}

function decodePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function encodePointer(segments: string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("") || "/";
}

function suggest(key: string, known: string[]): string {
  const close = known
    .map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate) }))
    .filter((c) => c.distance <= Math.max(2, Math.floor(c.candidate.length / 4)))
    .sort((a, b) => a.distance - b.distance)[0];
  if (close) return ` (did you mean ${JSON.stringify(close.candidate)}?)`;
  return known.length ? `; expected one of ${known.join(", ")}` : "";
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
