import type { Severity } from "@secflow/sarif";
import { Ajv, type ErrorObject } from "ajv";
import type { Document } from "yaml";
import schema from "../../schema/secflow-policy.schema.json" with { type: "json" };
import type { CoverageRules } from "../diff.ts";
import type { Grant } from "../grant.ts";
import { PolicyFileError } from "../policy-file-error.ts";
import { wildcardCovers } from "../wildcard.ts";
import { documentValue, YamlSource } from "../yaml-source.ts";
import type { PolicyText } from "./policy-text.ts";

/** One document of a secflow-policy.yml file, as the schema allows it. */
interface Enrolment {
  version: 1;
  service: string;
  owner: string;
  description?: string;
  resources?: { name: string; access: Access }[];
  secrets?: string[];
  egress?: string[];
}

type Access = "read" | "write" | "admin";
const ACCESS_RANK: Record<Access, number> = { read: 1, write: 2, admin: 3 };
const ACCESS_RISK: Record<Access, Severity> = { read: "low", write: "medium", admin: "high" };

// verbose: errors carry their schema, which names the properties allowed where one is unknown.
const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile<Enrolment>(schema);

/** Grants of a service enrolment file: one service per YAML document. */
export function readEnrolment(file: PolicyText): Grant[] {
  const source = YamlSource.parse(file.text);
  const grants: Grant[] = [];
  for (const doc of source.contentDocuments) {
    const value: unknown = documentValue(doc);
    if (!validate(value)) throw schemaError(validate.errors ?? [], doc, source);
    grants.push(...enrolmentGrants(value, doc, source, file.path));
  }
  return grants;
}

function enrolmentGrants(enrolment: Enrolment, doc: Document, source: YamlSource, path: string): Grant[] {
  const subject = `service ${enrolment.service}`;
  const line = (...at: (string | number)[]) => source.line(doc.getIn(at, true));
  const grant = (
    fields: Pick<Grant, "permission" | "resource" | "line" | "risk"> & Partial<Grant>,
  ): Grant => ({
    source: "enrolment",
    scope: subject,
    subject,
    effect: "allow",
    conditions: [],
    file: path,
    ...fields,
  });
  const grants: Grant[] = [
    grant({
      subject: enrolment.owner,
      permission: "owns",
      resource: subject,
      line: line("owner"),
      risk: "info",
      neutral: true,
      joiner: " ",
    }),
  ];
  enrolment.resources?.forEach(({ name, access }, i) => {
    const risk = name.includes("*") ? raise(ACCESS_RISK[access]) : ACCESS_RISK[access];
    grants.push(
      grant({
        permission: access,
        resource: name,
        line: line("resources", i),
        risk,
        sensitiveAs: "resource",
      }),
    );
  });
  enrolment.secrets?.forEach((name, i) => {
    const risk: Severity = name.includes("*") ? "high" : "medium";
    grants.push(
      grant({
        permission: "read secret",
        resource: name,
        line: line("secrets", i),
        risk,
        sensitiveAs: "secret",
        joiner: ": ",
      }),
    );
  });
  enrolment.egress?.forEach((target, i) => {
    const risk: Severity = target.startsWith("*") && !target.startsWith("*.") ? "high" : "low";
    grants.push(
      grant({
        permission: "egress",
        resource: target.toLowerCase(),
        line: line("egress", i),
        risk,
        joiner: " to ",
      }),
    );
  });
  return grants;
}

export const enrolmentCoverage: CoverageRules = {
  covers(a, b) {
    if (a.subject !== b.subject) return false;
    if (a.permission === "egress" && b.permission === "egress") return egressCovers(a.resource, b.resource);
    const [ra, rb] = [ACCESS_RANK[a.permission as Access], ACCESS_RANK[b.permission as Access]];
    const permission = ra !== undefined && rb !== undefined ? ra >= rb : a.permission === b.permission;
    return permission && wildcardCovers(a.resource, b.resource);
  },
};

/** `host[:port]`: a wildcard host covers the hosts it matches; no port covers every port. */
function egressCovers(a: string, b: string): boolean {
  const [hostA = "", portA] = a.split(":");
  const [hostB = "", portB] = b.split(":");
  return wildcardCovers(hostA, hostB) && (portA === undefined || portA === portB);
}

function raise(severity: Severity): Severity {
  return severity === "low" ? "medium" : severity === "medium" ? "high" : "critical";
}

function schemaError(errors: ErrorObject[], doc: Document, source: YamlSource): PolicyFileError {
  const error = errors.find((e) => e.keyword !== "if") ?? errors[0];
  const at = (error?.instancePath ?? "")
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const path = at.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const where = path.length ? path.join(".") : "the document";
  let what = error?.message ?? "is invalid";
  if (error?.keyword === "additionalProperties") {
    const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
    what = `has an unknown property "${String(error.params.additionalProperty)}" (allowed: ${allowed.join(", ")})`;
  } else if (error?.keyword === "enum") {
    what = `must be one of ${(error.params.allowedValues as unknown[]).join(", ")}`;
  } else if (error?.keyword === "pattern") {
    what = `is not valid: ${describeAt(path)}`;
  }
  const node = doc.getIn(path, true);
  return new PolicyFileError(
    `${where} ${what} (see schema/secflow-policy.schema.json)`,
    source.line(node ?? doc.contents),
  );
}

function describeAt(path: (string | number)[]): string {
  const key = path.find((p) => typeof p === "string") as keyof typeof schema.properties | undefined;
  const property = key
    ? (schema.properties[key] as { description?: string; items?: { description?: string } })
    : undefined;
  return property?.description ?? "see the schema";
}
