// Which Python packages a project asks for directly, from pyproject.toml (Poetry's tables, PEP 621
// and PEP 735 dependency groups) or a Pipfile: the lockfiles list everything without saying.

import { parse as parseToml } from "smol-toml";
import { normalizeName } from "../ecosystems.ts";
import { isRecord } from "./package.ts";

export interface DirectNames {
  runtime: Set<string>;
  dev: Set<string>;
}

/** Direct dependencies named by pyproject.toml text; undefined when it cannot be read. */
export function pyprojectDirect(text: string | undefined): DirectNames | undefined {
  const doc = readToml(text);
  if (!doc) return undefined;
  const names: DirectNames = { runtime: new Set(), dev: new Set() };
  const project = isRecord(doc.project) ? doc.project : {};
  for (const spec of asList(project.dependencies)) add(names.runtime, requirementName(spec));
  for (const group of Object.values(
    isRecord(project["optional-dependencies"]) ? project["optional-dependencies"] : {},
  )) {
    for (const spec of asList(group)) add(names.runtime, requirementName(spec));
  }
  for (const group of Object.values(isRecord(doc["dependency-groups"]) ? doc["dependency-groups"] : {})) {
    for (const spec of asList(group)) add(names.dev, requirementName(spec));
  }
  const poetry = isRecord(doc.tool) && isRecord(doc.tool.poetry) ? doc.tool.poetry : {};
  for (const name of Object.keys(isRecord(poetry.dependencies) ? poetry.dependencies : {}))
    add(names.runtime, name);
  for (const name of Object.keys(isRecord(poetry["dev-dependencies"]) ? poetry["dev-dependencies"] : {}))
    add(names.dev, name);
  for (const [group, table] of Object.entries(isRecord(poetry.group) ? poetry.group : {})) {
    const deps = isRecord(table) && isRecord(table.dependencies) ? table.dependencies : {};
    for (const name of Object.keys(deps)) add(group === "main" ? names.runtime : names.dev, name);
  }
  const uvDev = isRecord(doc.tool) && isRecord(doc.tool.uv) ? doc.tool.uv["dev-dependencies"] : undefined;
  for (const spec of asList(uvDev)) add(names.dev, requirementName(spec));
  names.runtime.delete("python");
  return names;
}

/** Direct dependencies named by a Pipfile. */
export function pipfileDirect(text: string | undefined): DirectNames | undefined {
  const doc = readToml(text);
  if (!doc) return undefined;
  const names: DirectNames = { runtime: new Set(), dev: new Set() };
  for (const name of Object.keys(isRecord(doc.packages) ? doc.packages : {})) add(names.runtime, name);
  for (const name of Object.keys(isRecord(doc["dev-packages"]) ? doc["dev-packages"] : {}))
    add(names.dev, name);
  return names;
}

function readToml(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function add(set: Set<string>, name: string | undefined): void {
  if (name) set.add(normalizeName("PyPI", name));
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The distribution name at the start of a PEP 508 requirement ("requests[socks]>=2; …"). */
function requirementName(spec: string): string | undefined {
  return /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec)?.[1];
}
