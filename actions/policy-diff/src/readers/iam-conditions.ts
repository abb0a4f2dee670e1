import { wildcardCovers } from "../wildcard.ts";

/** One condition of an IAM statement: `"StringEquals": { "iam:PassedToService": [...] }`. */
export interface IamCondition {
  /** `ForAllValues` / `ForAnyValue` set operators, lower case; "" for single-valued keys. */
  set: string;
  /** The operator without the set prefix and `IfExists`, lower case: `stringequals`. */
  operator: string;
  /** `…IfExists`: also true when the request has no such key, so looser than without. */
  ifExists: boolean;
  /** Condition keys are case-insensitive. */
  key: string;
  values: string[];
}

// Operators whose values list what is allowed, by family: fewer values allow less. A `…Like`
// value may hold wildcards; `ArnEquals` matches wildcards as `ArnLike` does (AWS's documentation
// of the ARN condition operators). Within a family, `StringLike` without a wildcard is
// `StringEquals`.
interface OperatorKind {
  family: string;
  wildcards: boolean;
  ignoreCase?: boolean;
}
const POSITIVE: Record<string, OperatorKind> = {
  stringequals: { family: "string", wildcards: false },
  stringlike: { family: "string", wildcards: true },
  stringequalsignorecase: { family: "string-ignorecase", wildcards: false, ignoreCase: true },
  arnequals: { family: "arn", wildcards: true },
  arnlike: { family: "arn", wildcards: true },
  numericequals: { family: "numeric", wildcards: false },
  dateequals: { family: "date", wildcards: false },
  binaryequals: { family: "binary", wildcards: false },
  ipaddress: { family: "ip", wildcards: false },
};
// Operators whose values list what is refused: more values allow less.
const NEGATED: Record<string, OperatorKind> = {
  stringnotequals: { family: "string", wildcards: false },
  stringnotlike: { family: "string", wildcards: true },
  stringnotequalsignorecase: { family: "string-ignorecase", wildcards: false, ignoreCase: true },
  arnnotequals: { family: "arn", wildcards: true },
  arnnotlike: { family: "arn", wildcards: true },
  numericnotequals: { family: "numeric", wildcards: false },
  datenotequals: { family: "date", wildcards: false },
  notipaddress: { family: "ip", wildcards: false },
};

export function parseCondition(operator: string, key: string, values: string[]): IamCondition {
  const lower = operator.toLowerCase();
  const colon = lower.indexOf(":");
  const set = colon === -1 ? "" : lower.slice(0, colon);
  const rest = colon === -1 ? lower : lower.slice(colon + 1);
  const ifExists = rest.endsWith("ifexists");
  return {
    set,
    operator: ifExists ? rest.slice(0, -"ifexists".length) : rest,
    ifExists,
    key: key.toLowerCase(),
    values,
  };
}

/**
 * Whether conditions `narrow` allow no more than conditions `wide`: every condition of `wide`
 * is implied by one of `narrow` (the conditions of a statement all apply). A condition with the
 * same operator and key implies another when it allows a subset of its values: fewer values for
 * a positive operator (StringEquals, StringLike, ArnLike …), more for a negated one
 * (StringNotEquals …). Other operators (Bool, Null, numeric and date comparisons) must be equal.
 * Errs on "not implied", so a change is reported rather than hidden.
 */
export function conditionsCover(wide: readonly IamCondition[], narrow: readonly IamCondition[]): boolean {
  return wide.every((c) => narrow.some((d) => implies(d, c)));
}

function implies(d: IamCondition, c: IamCondition): boolean {
  if (d.key !== c.key || d.set !== c.set) return false;
  // IfExists also passes a request without the key: it cannot imply a condition without it.
  if (d.ifExists && !c.ifExists) return false;
  const [dp, cp] = [POSITIVE[d.operator], POSITIVE[c.operator]];
  if (dp && cp && dp.family === cp.family)
    return d.values.every((v) => c.values.some((w) => valueCovers(w, cp, v, dp)));
  const [dn, cn] = [NEGATED[d.operator], NEGATED[c.operator]];
  if (dn && cn && dn.family === cn.family)
    return c.values.every((v) => d.values.some((w) => valueCovers(w, dn, v, cn)));
  return d.operator === c.operator && sameValues(d.values, c.values);
}

/** Whether every value `inner` (read with its operator) matches is matched by `outer`. */
function valueCovers(
  outer: string,
  outerKind: OperatorKind,
  inner: string,
  innerKind: OperatorKind,
): boolean {
  const fold = (s: string) => (outerKind.ignoreCase ? s.toLowerCase() : s);
  const [a, b] = [fold(outer), fold(inner)];
  if (outerKind.wildcards) return wildcardCovers(a, b);
  // An exact value covers only itself, and a pattern only when it has no wildcard.
  return a === b && !(innerKind.wildcards && /[*?]/.test(b));
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v) => b.includes(v));
}
