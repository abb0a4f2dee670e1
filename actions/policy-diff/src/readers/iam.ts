import type { CoverageRules } from "../diff.ts";
import type { Grant } from "../grant.ts";
import { parseJson } from "../json-lines.ts";
import { PolicyFileError } from "../policy-file-error.ts";
import { wildcardCovers, wildcardsMayOverlap } from "../wildcard.ts";
import { YamlSource } from "../yaml-source.ts";
import { conditionsCover, type IamCondition, parseCondition } from "./iam-conditions.ts";
import { coversPassRole, iamRisk, NOT_ACTION_RISK } from "./iam-risk.ts";
import type { PolicyText } from "./policy-text.ts";

/** What IAM coverage compares; actions are case-insensitive, resources and principals are not. */
interface IamMatch {
  /** "*" for anyone; "AWS:arn…", "Service:…"; undefined in an identity-based policy. */
  principal?: string;
  /** NotPrincipal: everyone except these. */
  exceptPrincipals?: string[];
  action?: string;
  exceptActions?: string[];
  resource?: string;
  exceptResources?: string[];
  conditions: IamCondition[];
}

const ELEMENTS = [
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
];
const ATTACHED = "(the resource the policy is attached to)";

/**
 * Grants of an AWS IAM policy document (identity-based, resource-based or a trust policy): each
 * principal × action × resource of each statement, with its effect and conditions.
 */
export function readIamPolicy(file: PolicyText): Grant[] {
  const document = parseJson(file.text);
  const lineAt = jsonLineFinder(file.text);
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new PolicyFileError("an IAM policy document is a JSON object with a Statement", 1);
  }
  const statement = (document as Record<string, unknown>).Statement;
  if (statement === undefined)
    throw new PolicyFileError(
      "no Statement: this is not an IAM policy document (leave it out with policy.include.iam)",
      1,
    );
  const statements = Array.isArray(statement) ? statement : [statement];
  const scope = `policy ${file.identityPath}`;
  const grants: Grant[] = [];
  statements.forEach((st, i) => {
    const at = Array.isArray(statement) ? ["Statement", i] : ["Statement"];
    grants.push(...statementGrants(st, at, lineAt, scope, file.path));
  });
  // Whoever holds this document may pass roles: actions that start code as a passed role escalate.
  const passRoleHeld = grants.some((g) => g.effect === "allow" && allowsPassRole(g.match as IamMatch));
  for (const grant of grants) {
    const match = grant.match as IamMatch;
    const { risk, why } =
      match.exceptActions !== undefined
        ? NOT_ACTION_RISK
        : iamRisk(match.action ?? "*", {
            ...(grantPrincipal(match) ? { principal: grantPrincipal(match) } : {}),
            passRoleHeld,
          });
    grant.risk = risk;
    grant.why = why;
  }
  return grants;
}

function allowsPassRole(match: IamMatch): boolean {
  if (match.action !== undefined) return coversPassRole(match.action);
  return !(match.exceptActions ?? []).some((e) => coversPassRole(e));
}

/** `*` for anyone (also NotPrincipal: everyone but a few); unset in an identity-based policy. */
function grantPrincipal(match: IamMatch): string | undefined {
  return match.principal ?? (match.exceptPrincipals ? "*" : undefined);
}

function statementGrants(
  statement: unknown,
  at: (string | number)[],
  lineAt: (path: (string | number)[]) => number,
  scope: string,
  file: string,
): Grant[] {
  const fail = (message: string, ...sub: (string | number)[]) =>
    new PolicyFileError(message, lineAt([...at, ...sub]));
  if (typeof statement !== "object" || statement === null || Array.isArray(statement))
    throw fail("a Statement must be an object");
  const st = statement as Record<string, unknown>;
  for (const key of Object.keys(st)) {
    if (!ELEMENTS.includes(key))
      throw fail(`unknown element "${key}" in a Statement; IAM knows ${ELEMENTS.join(", ")}`, key);
  }
  if (st.Effect !== "Allow" && st.Effect !== "Deny")
    throw fail(`Effect must be "Allow" or "Deny", not ${JSON.stringify(st.Effect ?? null)}`, "Effect");
  const effect = st.Effect === "Allow" ? "allow" : "deny";
  const either = (a: string, b: string, required: boolean) => {
    if (st[a] !== undefined && st[b] !== undefined)
      throw fail(`a Statement has either ${a} or ${b}, not both`, b);
    if (required && st[a] === undefined && st[b] === undefined) throw fail(`a Statement needs ${a} or ${b}`);
    return st[a] !== undefined ? a : st[b] !== undefined ? b : undefined;
  };
  const actionKey = either("Action", "NotAction", true) as string;
  const resourceKey = either("Resource", "NotResource", false);
  const principalKey = either("Principal", "NotPrincipal", false);
  const { conditions, parsed } = readConditions(st.Condition, fail);

  const actions = strings(st[actionKey], actionKey, fail);
  const actionParts: { permission: string; match: Partial<IamMatch>; line: number }[] =
    actionKey === "Action"
      ? actions.map((action, j) => ({
          permission: action,
          match: { action },
          line: lineAt([...at, actionKey, ...(Array.isArray(st[actionKey]) ? [j] : [])]),
        }))
      : [
          {
            permission: `any action except ${sortedLower(actions).join(", ")}`,
            match: { exceptActions: actions },
            line: lineAt([...at, actionKey]),
          },
        ];
  const resources = resourceKey ? strings(st[resourceKey], resourceKey, fail) : [];
  const resourceParts: { resource: string; match: Partial<IamMatch> }[] =
    resourceKey === undefined
      ? [{ resource: ATTACHED, match: {} }]
      : resourceKey === "Resource"
        ? resources.map((resource) => ({ resource, match: { resource } }))
        : [
            {
              resource: `any resource except ${[...resources].sort().join(", ")}`,
              match: { exceptResources: resources },
            },
          ];
  const principals = principalKey ? readPrincipals(st[principalKey], principalKey, fail) : [];
  const principalParts: { subject: string; match: Partial<IamMatch> }[] =
    principalKey === undefined
      ? [{ subject: "holders of the policy", match: {} }]
      : principalKey === "Principal"
        ? principals.map((p) => ({
            subject: p === "*" ? "anyone (Principal *)" : p,
            match: { principal: p },
          }))
        : [{ subject: `anyone except ${principals.join(", ")}`, match: { exceptPrincipals: principals } }];

  const grants: Grant[] = [];
  for (const p of principalParts) {
    for (const a of actionParts) {
      for (const r of resourceParts) {
        grants.push({
          source: "iam",
          scope,
          subject: p.subject,
          permission: a.permission,
          resource: r.resource,
          effect,
          conditions,
          file,
          line: a.line,
          // Rated once the whole document is read (readIamPolicy).
          risk: "info",
          sensitiveAs: "resource",
          match: { ...p.match, ...a.match, ...r.match, conditions: parsed } satisfies IamMatch,
        });
      }
    }
  }
  return grants;
}

function strings(
  value: unknown,
  key: string,
  fail: (m: string, ...at: (string | number)[]) => PolicyFileError,
): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === "string" && v !== "")) {
    throw fail(`${key} must be a string or a list of strings`, key);
  }
  return list as string[];
}

/**
 * `"*"`, or `{ "AWS": …, "Service": …, "Federated": …, "CanonicalUser": … }` → "AWS:arn…". An
 * account written as its id is its root ARN (AWS stores `123456789012` as
 * `arn:aws:iam::123456789012:root`), so either spelling is the same principal.
 */
function readPrincipals(
  value: unknown,
  key: string,
  fail: (m: string, ...at: (string | number)[]) => PolicyFileError,
): string[] {
  if (value === "*") return ["*"];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw fail(`${key} must be "*" or an object such as { "AWS": "arn:…" }`, key);
  }
  const principals: string[] = [];
  for (const [type, ids] of Object.entries(value)) {
    if (!["AWS", "Service", "Federated", "CanonicalUser"].includes(type))
      throw fail(`unknown principal type "${type}"`, key, type);
    for (const id of strings(ids, `${key}.${type}`, fail)) {
      if (id === "*" && type === "AWS") principals.push("*");
      else
        principals.push(`${type}:${type === "AWS" && /^\d{12}$/.test(id) ? `arn:aws:iam::${id}:root` : id}`);
    }
  }
  return principals;
}

/**
 * `{ "StringEquals": { "aws:SourceAccount": "1" } }` → `StringEquals aws:sourceaccount = 1` to
 * read, and parsed to compare by direction.
 */
function readConditions(
  value: unknown,
  fail: (m: string, ...at: (string | number)[]) => PolicyFileError,
): { conditions: string[]; parsed: IamCondition[] } {
  if (value === undefined) return { conditions: [], parsed: [] };
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw fail("Condition must be an object of operators", "Condition");
  const conditions: string[] = [];
  const parsed: IamCondition[] = [];
  for (const [operator, keys] of Object.entries(value)) {
    if (typeof keys !== "object" || keys === null || Array.isArray(keys))
      throw fail(`Condition ${operator} must be an object of keys`, "Condition", operator);
    for (const [key, values] of Object.entries(keys)) {
      const list = (Array.isArray(values) ? values : [values]).map(String).sort();
      conditions.push(`${operator} ${key.toLowerCase()} = ${list.join(" | ")}`);
      parsed.push(parseCondition(operator, key, list));
    }
  }
  return { conditions: conditions.sort(), parsed };
}

export const iamCoverage: CoverageRules = {
  covers(a, b) {
    const [x, y] = [a.match as IamMatch, b.match as IamMatch];
    return principalCovers(x, y) && actionCovers(x, y) && resourceCovers(x, y);
  },
  // Fewer values of StringEquals allow less, more values of StringNotEquals allow less.
  conditionsCover(a, b) {
    return conditionsCover((a.match as IamMatch).conditions, (b.match as IamMatch).conditions);
  },
  /**
   * A statement moved to another file, or a policy split across files, keeps its meaning when
   * the grant names its principal and its resource: a resource-based policy's `Principal`, an
   * ARN in `Resource`. An identity-based policy names no holder, so a grant moving between two
   * files that both stay may move between two roles: only a split or merge (one of the files
   * added or deleted) counts as a move. `(the resource the policy is attached to)` never moves.
   */
  movable(base, head, reorganised) {
    const [b, h] = [base.match as IamMatch, head.match as IamMatch];
    const named = (m: IamMatch) => m.resource !== undefined || m.exceptResources !== undefined;
    if (!named(b) || !named(h)) return false;
    return grantPrincipal(b) !== undefined || reorganised;
  },
};

function principalCovers(a: IamMatch, b: IamMatch): boolean {
  if (a.principal === undefined && a.exceptPrincipals === undefined)
    return b.principal === undefined && b.exceptPrincipals === undefined;
  if (a.principal === "*") return b.principal !== undefined || b.exceptPrincipals !== undefined;
  if (a.principal !== undefined) return b.principal !== undefined && wildcardCovers(a.principal, b.principal);
  const except = a.exceptPrincipals ?? [];
  if (b.exceptPrincipals) return except.every((e) => b.exceptPrincipals?.includes(e));
  return (
    b.principal !== undefined &&
    b.principal !== "*" &&
    !except.some((e) => wildcardsMayOverlap(e, b.principal as string))
  );
}

function actionCovers(a: IamMatch, b: IamMatch): boolean {
  const ci = { caseInsensitive: true };
  if (a.action !== undefined)
    return b.action !== undefined ? wildcardCovers(a.action, b.action, ci) : a.action === "*";
  const except = a.exceptActions ?? [];
  if (b.exceptActions) return except.every((e) => b.exceptActions?.some((f) => wildcardCovers(f, e, ci)));
  return b.action !== undefined && !except.some((e) => wildcardsMayOverlap(e, b.action as string, ci));
}

function resourceCovers(a: IamMatch, b: IamMatch): boolean {
  const aAttached = a.resource === undefined && a.exceptResources === undefined;
  const bAttached = b.resource === undefined && b.exceptResources === undefined;
  if (aAttached || bAttached) return aAttached && bAttached;
  if (a.resource !== undefined)
    return b.resource !== undefined ? wildcardCovers(a.resource, b.resource) : a.resource === "*";
  const except = a.exceptResources ?? [];
  if (b.exceptResources) return except.every((e) => b.exceptResources?.some((f) => wildcardCovers(f, e)));
  return b.resource !== undefined && !except.some((e) => wildcardsMayOverlap(e, b.resource as string));
}

function sortedLower(values: string[]): string[] {
  return values.map((v) => v.toLowerCase()).sort();
}

/** Line of the value at a JSON path, found through the YAML parser (JSON is YAML); else 1. */
function jsonLineFinder(text: string): (path: (string | number)[]) => number {
  let source: YamlSource | undefined;
  try {
    source = YamlSource.parse(text);
  } catch {
    source = undefined;
  }
  const doc = source?.documents[0];
  return (path) => {
    if (!source || !doc) return 1;
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (node) return source.line(node);
    }
    return 1;
  };
}
