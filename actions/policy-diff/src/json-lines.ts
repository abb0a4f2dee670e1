import { YAML_LIMITS } from "@secflow/kit";
import { PolicyFileError } from "./policy-file-error.ts";

/**
 * Parses JSON strictly, or throws a PolicyFileError at the line of the problem (Node's messages
 * give a character position; people want a line).
 */
export function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") throw new PolicyFileError("the file is empty; expected a JSON document");
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : body.trimEnd().length;
    const line = body.slice(0, offset).split("\n").length;
    const what = message.replace(/ in JSON at position.*$/s, "").replace(/, ".*" is not valid JSON$/s, "");
    throw new PolicyFileError(
      `not valid JSON: ${/Unexpected end/.test(what) ? "the file ends early" : what}`,
      line,
    );
  }
  checkDepth(value);
  return value;
}

/** Nesting deeper than YAML_LIMITS.maxDepth is refused, as in YAML: readers recurse into values. */
function checkDepth(value: unknown): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== "object" || current === null) continue;
    if (depth > YAML_LIMITS.maxDepth)
      throw new PolicyFileError(`nested deeper than ${YAML_LIMITS.maxDepth} levels`);
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
}
