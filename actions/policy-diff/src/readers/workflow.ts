import { createHash } from "node:crypto";
import type { Document, Node } from "yaml";
import type { Grant } from "../grant.ts";
import { PolicyFileError } from "../policy-file-error.ts";
import { itemsOf, pairNamed, pairsOf, scalarsUnder, textOf, YamlSource } from "../yaml-source.ts";
import type { PolicyText } from "./policy-text.ts";
import { defaultPermissionGrants, type GrantBase, permissionGrants } from "./workflow-permissions.ts";
import {
  type DefaultPermissions,
  PRIVILEGED_TRIGGERS,
  secretRisk,
  unpinnedActionRisk,
} from "./workflow-risk.ts";
import { referencedSecrets } from "./workflow-secrets.ts";

export interface WorkflowContext {
  /** What the repository gives a job with no `permissions:` (policy.workflows.default-permissions). */
  defaultPermissions: DefaultPermissions;
}

/**
 * Grants of a GitHub Actions workflow, per job: the token permissions in effect (the job's
 * block, else the workflow's, else the repository default), secrets referenced, unpinned
 * actions; and per workflow, the privileged triggers.
 */
export function readWorkflow(
  file: PolicyText,
  context: WorkflowContext = { defaultPermissions: "restricted" },
): Grant[] {
  const source = YamlSource.parse(file.text);
  const [doc, second] = source.contentDocuments;
  // Empty or only comments: GitHub cannot run it, so it grants nothing.
  if (!doc) return [];
  if (second)
    throw new PolicyFileError(
      "a workflow holds one YAML document, not several",
      source.line(second.contents),
    );
  const top = pairsOf(doc.contents, doc);
  if (!top)
    throw new PolicyFileError("a workflow must be a mapping (on:, jobs:, …)", source.line(doc.contents));
  const line = (node: unknown) => source.line(node);
  const grants: Grant[] = [];
  const workflowBase: GrantBase = {
    source: "workflow",
    scope: file.identityPath,
    subject: "workflow",
    effect: "allow",
    conditions: [],
    file: file.path,
  };

  const on = top.find((p) => p.key === "on");
  for (const trigger of triggersOf(on?.value ?? null, doc)) {
    const risk = Object.hasOwn(PRIVILEGED_TRIGGERS, trigger.name)
      ? PRIVILEGED_TRIGGERS[trigger.name]
      : undefined;
    if (risk)
      grants.push({
        ...workflowBase,
        permission: "trigger",
        resource: trigger.name,
        line: line(trigger.node),
        ...risk,
        joiner: ": ",
      });
  }

  const jobs = top.find((p) => p.key === "jobs");
  const jobPairs = pairsOf(jobs?.value, doc);
  if (!jobPairs)
    throw new PolicyFileError("jobs: must be a mapping of job ids", jobs ? line(jobs.keyNode) : 1);
  const workflowPermissions = top.find((p) => p.key === "permissions");
  const workflowEnvSecrets = referencedSecrets(
    scalarsUnder(top.find((p) => p.key === "env")?.value ?? null, doc),
  );

  for (const job of jobPairs) {
    if (!pairsOf(job.value, doc))
      throw new PolicyFileError(`job "${job.key}" must be a mapping`, line(job.keyNode));
    const base: GrantBase = {
      ...workflowBase,
      scope: `${file.identityPath}#${job.key}`,
      subject: `job ${job.key}`,
      ownerKey: jobDefinition(job.value, doc),
    };
    const own = pairNamed(job.value, doc, "permissions");
    const block = own ?? workflowPermissions;
    if (block) grants.push(...permissionGrants(block.value, block.keyNode, doc, source, base));
    else grants.push(...defaultPermissionGrants(context.defaultPermissions, line(job.keyNode), base));

    const secrets = [...workflowEnvSecrets, ...referencedSecrets(scalarsUnder(job.value, doc))];
    // A reusable-workflow call with `secrets: inherit` passes every secret on.
    const passed = pairNamed(job.value, doc, "secrets");
    if (passed?.value && textOf(passed.value, doc) === "inherit")
      secrets.push({ name: "*", node: passed.value });
    for (const secret of secrets) {
      grants.push({
        ...base,
        permission: "read secret",
        resource: secret.name,
        line: line(secret.node),
        ...secretRisk(secret.name),
        sensitiveAs: "secret",
        joiner: ": ",
      });
    }
    for (const uses of usesOf(job.value, doc)) {
      const action = unpinned(uses.text);
      if (action)
        grants.push({
          ...base,
          permission: "unpinned action",
          resource: action,
          line: line(uses.node),
          ...unpinnedActionRisk(action),
          joiner: ": ",
        });
    }
  }
  return grants;
}

/**
 * What a job is apart from its id and token: every key and value of its definition but
 * `permissions:`, in order, hashed (read within the same alias budget as the secrets). A job
 * renamed or moved to another file keeps it.
 */
function jobDefinition(job: Node | null, doc: Document): string {
  const hash = createHash("sha256");
  for (const pair of pairsOf(job, doc) ?? []) {
    if (pair.key === "permissions") continue;
    hash.update(`\u0000${pair.key}`);
    for (const { text } of scalarsUnder(pair.value, doc)) hash.update(`\u0001${text}`);
  }
  return hash.digest("hex");
}

/** `on: push`, `on: [push, pull_request_target]` or `on: { workflow_run: … }`. */
function triggersOf(value: Node | null, doc: Document): { name: string; node: Node }[] {
  const single = textOf(value, doc);
  if (single !== undefined && value) return [{ name: single, node: value }];
  const items = itemsOf(value, doc);
  if (items)
    return items.flatMap((node) => {
      const name = textOf(node, doc);
      return name === undefined ? [] : [{ name, node }];
    });
  return (pairsOf(value, doc) ?? []).map((pair) => ({ name: pair.key, node: pair.keyNode }));
}

/** `uses:` of the job (a reusable workflow) and of its steps. */
function usesOf(job: Node | null, doc: Document): { text: string; node: Node }[] {
  const found: { text: string; node: Node }[] = [];
  const add = (owner: unknown) => {
    const pair = pairNamed(owner, doc, "uses");
    const text = textOf(pair?.value, doc);
    if (pair?.value && text !== undefined) found.push({ text, node: pair.value });
  };
  add(job);
  for (const step of itemsOf(pairNamed(job, doc, "steps")?.value, doc) ?? []) add(step);
  return found;
}

/** The action a `uses:` names when its ref can move (a tag or branch), else undefined. */
export function unpinned(uses: string): string | undefined {
  const value = uses.trim();
  if (value.startsWith("./") || value.startsWith("../")) return undefined; // code in this repository
  if (value.startsWith("docker://")) {
    if (/@sha256:[0-9a-f]{64}$/i.test(value)) return undefined;
    return value.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
  }
  const at = value.lastIndexOf("@");
  const name = at === -1 ? value : value.slice(0, at);
  const ref = at === -1 ? "" : value.slice(at + 1);
  return /^[0-9a-f]{40}$/i.test(ref) ? undefined : name.toLowerCase();
}
