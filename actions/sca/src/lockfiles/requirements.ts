// requirements.txt: only exact pins (name==1.2.3) say what is installed; anything else is listed
// as not checked, with the fix. pip-compile's "# via" comments tell direct from transitive.

import { normalizeName } from "../ecosystems.ts";
import type { Package, ParsedLockfile, Scope, Skip } from "../model.ts";
import { makePackage } from "./package.ts";
import type { LockfileInput } from "./types.ts";

interface Pin {
  name: string;
  version: string;
  line: number;
  via: string[];
}

export async function parseRequirements(input: LockfileInput): Promise<ParsedLockfile> {
  const skipped: Skip[] = [];
  const pins: Pin[] = [];
  const scope: Scope = /(^|[-_./])(dev|test|tests|testing|lint|docs)([-_.]|$)/i.test(
    input.path.split("/").pop() ?? "",
  )
    ? "dev"
    : "runtime";
  const lines = input.text.split(/\r?\n/);
  let current: Pin | undefined;
  let inVia = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const lineNo = i + 1;
    // "# via x" and the indented names after a bare "# via" belong to the pin above.
    const comment = /^\s+#\s*(via\s*)?(.*)$/.exec(raw);
    if (comment && current) {
      if (comment[1] !== undefined) {
        inVia = true;
        if (comment[2]) current.via.push(comment[2].trim());
      } else if (inVia && comment[2]) current.via.push(comment[2].trim());
      continue;
    }
    let text = raw.replace(/(^|\s)#.*$/, "").trim();
    while (text.endsWith("\\") && i + 1 < lines.length)
      text = `${text.slice(0, -1)} ${(lines[++i] as string).replace(/(^|\s)#.*$/, "").trim()}`;
    if (text === "") continue;
    current = undefined;
    inVia = false;
    if (text.startsWith("-")) {
      if (/^(-c|--constraint\b)/.test(text)) {
        // A constraints file only limits the versions of what is required elsewhere; pip installs
        // nothing from it, so it is neither a package nor a gap (osv-scalibr skips it too).
      } else if (/^(-r|--requirement\b)/.test(text)) {
        skipped.push({
          subject: `${input.path}:${lineNo}`,
          reason: `"${text}" includes another file, which is not followed; list that file in lockfiles`,
        });
      } else if (/^(-e|--editable)\b/.test(text)) {
        skipped.push({
          subject: `${input.path}:${lineNo}`,
          reason: `"${text}" is an editable install, not a registry package; not checked`,
        });
      }
      continue; // other options: --index-url, --hash on its own line, …
    }
    // Per-requirement options (--hash, --global-option, --config-settings and its short form -C)
    // follow the requirement.
    const requirement =
      text
        .split(/\s+(?:--|-C)/)[0]
        ?.split(";")[0]
        ?.trim() ?? "";
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(requirement)) {
      // A wheel or archive by URL ("https://…/pkg-1.0-py3-none-any.whl"), not a name to look up.
      skipped.push({
        subject: `${input.path}:${lineNo}`,
        reason: "installs from a URL, not a registry version; not checked",
      });
      continue;
    }
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(requirement);
    if (!match) {
      skipped.push({
        subject: `${input.path}:${lineNo}`,
        reason: `"${text}" is not a requirement this scan can read; not checked`,
      });
      continue;
    }
    const [, name = "", , spec = ""] = match;
    const pinned = /^===?\s*([^\s,*]+)$/.exec(spec.trim());
    if (pinned?.[1]) {
      current = { name, version: pinned[1], line: lineNo, via: [] };
      pins.push(current);
    } else if (spec.trim().startsWith("@")) {
      skipped.push({
        subject: `${input.path}:${lineNo}`,
        reason: `${name} is installed from a URL, not a registry version; not checked`,
      });
    } else {
      skipped.push({
        subject: `${input.path}:${lineNo}`,
        reason: `${name} is not pinned (${spec.trim() || "any version"}); pin it as ${name}==<version> (e.g. with pip-compile) to have it checked`,
      });
    }
  }
  const annotated = pins.some((p) => p.via.length > 0);
  const byName = new Map(pins.map((p) => [normalizeName("PyPI", p.name), p]));
  const packages: Package[] = pins.map((pin) => {
    const direct = !annotated || pin.via.some((v) => v.startsWith("-r") || v.startsWith("-c"));
    return makePackage(
      "PyPI",
      pin.name,
      pin.version,
      { lockfile: input.path, line: pin.line },
      {
        relation: direct ? "direct" : "transitive",
        scope,
        path: direct ? [pin.name] : [...chain(pin, byName), pin.name],
      },
    );
  });
  return { path: input.path, ecosystem: "PyPI", packages, skipped };
}

/** Follows "# via" parents up to a direct pin, for the dependency path. */
function chain(pin: Pin, byName: Map<string, Pin>): string[] {
  const path: string[] = [];
  const seen = new Set([normalizeName("PyPI", pin.name)]);
  let current = pin;
  for (;;) {
    const parentName = current.via.find((v) => !v.startsWith("-"));
    const parent = parentName ? byName.get(normalizeName("PyPI", parentName)) : undefined;
    if (!parent || seen.has(normalizeName("PyPI", parent.name))) return path;
    seen.add(normalizeName("PyPI", parent.name));
    path.unshift(parent.name);
    current = parent;
  }
}
