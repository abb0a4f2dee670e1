import { isUserError } from "@secflow/errors";
import { parseConfig, type SecflowConfig } from "@secflow/kit";
import type { Severity } from "@secflow/sarif";
import type { Document } from "yaml";
import type { CoverageRules, GrantChange } from "../diff.ts";
import type { Effect, Grant } from "../grant.ts";
import { PolicyFileError } from "../policy-file-error.ts";
import { wildcardCovers } from "../wildcard.ts";
import { YamlSource } from "../yaml-source.ts";
import type { PolicyText } from "./policy-text.ts";
import { LIMIT_SETTINGS, loosens, ORDINAL_SETTINGS, SEVERITY_ORDER } from "./secflow-config-settings.ts";

/** What config coverage compares beyond the setting and its value. */
interface ConfigMatch {
  /** The finding a waiver or ignore names, or the label; the rest of the resource is detail. */
  target?: string;
  path?: string;
  expires?: string;
  /** Who may apply a label; unset: anyone who can label. */
  appliedBy?: string[];
}

export interface ConfigSide {
  file: string;
  config: SecflowConfig;
  /** One-value settings by dotted key, with the line they are written on. */
  settings: Map<
    string,
    { value: string; line: number; risk: Severity; order: readonly string[]; default?: string }
  >;
  grants: Grant[];
}

const SUBJECT = "secflow config";

/**
 * The secflow configuration as grants (an absent file is read as an empty one, so its defaults
 * compare with a file that appears or goes): what it lets through (waivers, ignores, rules turned
 * off, approvers, labels that skip review) and what it requires (sensitive paths, expected
 * SARIF, tools, denied licenses); and its one-value settings, compared by strictness.
 */
export function readSecflowConfig(file: PolicyText): ConfigSide {
  // First within policy-diff's YAML limits: an alias bomb or an alias that contains itself is
  // unreadable here, before the kit's parser expands it.
  const source = YamlSource.parse(file.text);
  let config: SecflowConfig;
  try {
    config = parseConfig(file.text, file.path);
  } catch (error) {
    // The kit's parser expands aliases with the yaml package's limit, which throws a ReferenceError.
    if (error instanceof ReferenceError) throw new PolicyFileError(`too many aliases: ${error.message}`);
    if (!isUserError(error)) throw error;
    // kit's message has a "<file>:<line>: " per problem; keep the lines, the run names the file.
    throw new PolicyFileError(error.message.split(`${file.path}:`).join("line "));
  }
  const doc = source.documents[0] as Document | undefined;
  const lineOf = (...path: (string | number)[]) => {
    for (let n = path.length; n > 0; n--) {
      const node = doc?.getIn(path.slice(0, n), true);
      if (node) return source.line(node);
    }
    return 1;
  };
  const grants: Grant[] = [];
  const add = (
    permission: string,
    resource: string,
    effect: Effect,
    risk: Severity,
    at: (string | number)[],
    extra: Partial<Grant> = {},
  ) =>
    grants.push({
      source: "secflow-config",
      scope: `config ${permission}`,
      subject: SUBJECT,
      permission,
      resource,
      effect,
      conditions: [],
      file: file.path,
      line: lineOf(...at),
      risk,
      joiner: ": ",
      ...extra,
    });

  config.waivers?.forEach((w, i) => {
    const target = w.rule
      ? `rule ${w.rule}`
      : w.fingerprint
        ? `fingerprint ${w.fingerprint}`
        : `advisory ${w.advisory}`;
    const match: ConfigMatch = { target, expires: w.expires, ...(w.path ? { path: w.path } : {}) };
    add(
      "waivers",
      `${target}${w.path ? ` in ${w.path}` : ""} until ${w.expires}`,
      "allow",
      "high",
      ["waivers", i],
      { match },
    );
  });
  config.sca?.ignores?.forEach((ignore, i) => {
    const match: ConfigMatch = {
      target: `${ignore.advisory} ${ignore.package ?? "*"}`,
      expires: ignore.expires,
    };
    add(
      "sca.ignores",
      `${ignore.advisory}${ignore.package ? ` for ${ignore.package}` : ""} until ${ignore.expires}`,
      "allow",
      "high",
      ["sca", "ignores", i],
      { match },
    );
  });
  config.sast?.["rules-off"]?.forEach((rule, i) =>
    add("sast.rules-off", rule, "allow", "medium", ["sast", "rules-off", i]),
  );
  config["ignore-paths"]?.forEach((glob, i) =>
    add("ignore-paths", glob, "allow", "medium", ["ignore-paths", i]),
  );
  config.sast?.["ignore-paths"]?.forEach((glob, i) =>
    add("sast.ignore-paths", glob, "allow", "medium", ["sast", "ignore-paths", i]),
  );
  config.gate?.approvers?.users?.forEach((user, i) =>
    add("gate.approvers.users", user, "allow", "high", ["gate", "approvers", "users", i]),
  );
  config.gate?.approvers?.teams?.forEach((team, i) =>
    add("gate.approvers.teams", team, "allow", "high", ["gate", "approvers", "teams", i]),
  );
  for (const [name, label] of Object.entries(config.gate?.labels ?? {})) {
    const appliedBy = label["applied-by"];
    const match: ConfigMatch = { target: `${name} ${label.effect}`, ...(appliedBy ? { appliedBy } : {}) };
    const who = appliedBy ? ` applied by ${appliedBy.join(", ")}` : "";
    if (label.effect === "require-review")
      add("gate.labels", `"${name}" requires review${who}`, "deny", "medium", ["gate", "labels", name], {
        match,
      });
    else
      add(
        "gate.labels",
        `"${name}" ${label.effect}`,
        "allow",
        label.effect === "skip-review" ? "high" : "medium",
        ["gate", "labels", name],
        { match },
      );
  }
  const licenses = config.sca?.licenses;
  if (licenses?.allow)
    licenses.allow.forEach((id, i) =>
      add("sca.licenses.allow", id, "allow", "medium", ["sca", "licenses", "allow", i]),
    );
  else add("sca.licenses.allow", "*", "allow", "medium", ["sca"]);
  licenses?.deny?.forEach((id, i) =>
    add("sca.licenses.deny", id, "deny", "medium", ["sca", "licenses", "deny", i]),
  );
  config.gate?.["sensitive-paths"]?.forEach((glob, i) =>
    add("gate.sensitive-paths", glob, "deny", "high", ["gate", "sensitive-paths", i]),
  );
  config.gate?.expected?.forEach((category, i) =>
    add("gate.expected", category, "deny", "high", ["gate", "expected", i]),
  );
  config.gate?.documentation?.sections?.forEach((section, i) =>
    add("gate.documentation.sections", section, "deny", "medium", ["gate", "documentation", "sections", i]),
  );
  // Left out, every analyser runs; a list names the ones that do.
  if (config.sast?.tools)
    config.sast.tools.forEach((tool, i) => add("sast.tools", tool, "deny", "medium", ["sast", "tools", i]));
  else add("sast.tools", "*", "deny", "medium", ["sast"]);
  config.policy?.["sensitive-resources"]?.forEach((glob, i) =>
    add("policy.sensitive-resources", glob, "deny", "high", ["policy", "sensitive-resources", i]),
  );
  config.policy?.["sensitive-secrets"]?.forEach((glob, i) =>
    add("policy.sensitive-secrets", glob, "deny", "high", ["policy", "sensitive-secrets", i]),
  );
  config.policy?.["security-owners"]?.forEach((owner, i) =>
    add("policy.security-owners", owner.toLowerCase(), "deny", "high", ["policy", "security-owners", i]),
  );
  for (const [kind, globs] of Object.entries(config.policy?.include ?? {})) {
    globs?.forEach((glob, i) =>
      add(`policy.include.${kind}`, glob, "deny", "medium", ["policy", "include", kind, i]),
    );
  }
  if (config.team) add("team", config.team, "allow", "info", ["team"], { neutral: true });

  const settings: ConfigSide["settings"] = new Map();
  for (const setting of [...ORDINAL_SETTINGS, ...LIMIT_SETTINGS]) {
    const value = valueAt(config, setting.path);
    if (value !== undefined)
      settings.set(setting.path.join("."), {
        value,
        line: lineOf(...setting.path),
        risk: setting.risk,
        order: setting.order,
        ...(setting.default !== undefined ? { default: setting.default } : {}),
      });
  }
  for (const [rule, severity] of Object.entries(config["severity-overrides"] ?? {})) {
    settings.set(`severity-overrides.${rule}`, {
      value: severity,
      line: lineOf("severity-overrides", rule),
      risk: "medium",
      order: SEVERITY_ORDER,
    });
  }
  return { file: file.path, config, settings, grants };
}

/** Changes of the one-value settings: looser is widened, stricter narrowed. */
export function diffConfigSettings(
  base: ConfigSide | undefined,
  head: ConfigSide | undefined,
): GrantChange[] {
  const changes: GrantChange[] = [];
  const keys = new Set([...(base?.settings.keys() ?? []), ...(head?.settings.keys() ?? [])]);
  for (const key of keys) {
    const before = base?.settings.get(key);
    const after = head?.settings.get(key);
    const meta = (after ?? before) as NonNullable<typeof after>;
    // Writing out the value in force anyway changes nothing.
    if ((before?.value ?? meta.default) === (after?.value ?? meta.default)) continue;
    const grantOf = (side: typeof after, file: string | undefined, line: number): Grant => ({
      source: "secflow-config",
      scope: `config ${key}`,
      subject: SUBJECT,
      permission: key,
      resource: side?.value ?? "(default)",
      effect: "allow",
      conditions: [],
      file: file ?? "",
      line,
      risk: meta.risk,
      joiner: ": ",
    });
    const headGrant = grantOf(after, head?.file ?? base?.file, after?.line ?? 1);
    const baseGrant = grantOf(before, base?.file ?? head?.file, before?.line ?? 1);
    const wider = loosens(before?.value ?? meta.default, after?.value ?? meta.default, meta.order);
    // A setting taken out is shown where it was written, in the base; otherwise at its head line.
    const location =
      after && head
        ? { file: head.file, line: after.line, side: "head" as const }
        : { file: baseGrant.file, line: baseGrant.line, side: "base" as const };
    changes.push(
      wider
        ? { kind: "widened", grant: headGrant, location, counterparts: [baseGrant] }
        : { kind: "narrowed", grant: baseGrant, location, counterparts: [headGrant] },
    );
  }
  return changes;
}

export const configCoverage: CoverageRules = {
  covers(a, b) {
    if (a.permission !== b.permission) return false;
    const [x, y] = [(a.match ?? {}) as ConfigMatch, (b.match ?? {}) as ConfigMatch];
    if (x.target !== undefined || y.target !== undefined) {
      if (x.target !== y.target) return false;
      // Labels: anyone covers a list of appliers; a list covers the lists within it.
      if (x.expires === undefined)
        return x.appliedBy === undefined || (y.appliedBy?.every((u) => x.appliedBy?.includes(u)) ?? false);
      // Waivers and ignores: the same finding, for at least the same paths and as long.
      return (
        (x.path === undefined || (y.path !== undefined && wildcardCovers(x.path, y.path))) &&
        (x.expires ?? "") >= (y.expires ?? "")
      );
    }
    return wildcardCovers(a.resource, b.resource);
  },
};

function valueAt(config: SecflowConfig, path: string[]): string | undefined {
  let value: unknown = config;
  for (const key of path)
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return value === undefined || value === null ? undefined : String(value);
}
