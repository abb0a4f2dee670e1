// go.mod: require directives (single or in blocks), "// indirect" for transitive modules, and
// replace directives that swap a module for another version or a local folder.

import type { Package, ParsedLockfile, Skip } from "../model.ts";
import { makePackage } from "./package.ts";
import { LockfileError, type LockfileInput } from "./types.ts";

interface Requirement {
  module: string;
  version: string;
  line: number;
  indirect: boolean;
}

export async function parseGoMod(input: LockfileInput): Promise<ParsedLockfile> {
  const requirements: Requirement[] = [];
  const replaces = new Map<string, { module: string; version?: string; local: boolean }>();
  let block: string | undefined;
  const lines = input.text.split(/\r?\n/);
  let sawModule = false;
  lines.forEach((raw, i) => {
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const text = raw.replace(/\/\/.*$/, "").trim();
    if (text === "") return;
    if (block) {
      if (text === ")") block = undefined;
      else directive(block, text, i + 1, indirect);
      return;
    }
    const match = /^(\w+)\s*(.*)$/.exec(text);
    if (!match) return;
    const [, verb = "", rest = ""] = match;
    if (verb === "module") sawModule = true;
    if (rest === "(") block = verb;
    else directive(verb, rest, i + 1, indirect);
  });
  if (!sawModule) throw new LockfileError(`${input.path}: has no module directive; is it a go.mod file?`);

  function directive(verb: string, rest: string, line: number, indirect: boolean) {
    const parts = rest.split(/\s+/).map(unquote);
    if (verb === "require" && parts.length >= 2) {
      requirements.push({ module: parts[0] as string, version: parts[1] as string, line, indirect });
    } else if (verb === "replace") {
      const arrow = parts.indexOf("=>");
      if (arrow === -1) return;
      const [target = "", targetVersion] = parts.slice(arrow + 1);
      const local = target.startsWith("./") || target.startsWith("../") || target.startsWith("/");
      replaces.set(parts[0] as string, {
        module: target,
        ...(targetVersion ? { version: targetVersion } : {}),
        local,
      });
    }
  }

  const skipped: Skip[] = [];
  const packages: Package[] = [];
  for (const req of requirements) {
    const replacement = replaces.get(req.module);
    if (replacement?.local) {
      skipped.push({
        subject: `${input.path}:${req.line}`,
        reason: `${req.module} is replaced by the local folder ${replacement.module}; not checked`,
      });
      continue;
    }
    const module = replacement?.module ?? req.module;
    const version = replacement?.version ?? req.version;
    packages.push(
      makePackage(
        "Go",
        module,
        version,
        { lockfile: input.path, line: req.line },
        {
          relation: req.indirect ? "transitive" : "direct",
          scope: "runtime",
          path: [module],
        },
      ),
    );
  }
  return { path: input.path, ecosystem: "Go", packages, skipped };
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}
