// A real HTTP server on 127.0.0.1 that answers the GitHub routes flow-report calls, as GitHub
// does: paginated lists with Link headers, ETags and 304 answers to If-None-Match, a 302 from an
// artifact's zip route to storage, GraphQL, pull requests sorted by update, a repository's
// .github/workflows folder and git blobs, releases and tags. Shapes follow @octokit/openapi-types;
// repository, pull request and release objects are the real ones of @octokit/webhooks-examples.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { components } from "@octokit/openapi-types";
import { webhookExample } from "@secflow/kit/testing";

type Artifact = components["schemas"]["artifact"];
type DirectoryEntry = components["schemas"]["content-directory"][number];
type Blob = components["schemas"]["blob"];
type Release = components["schemas"]["release"];
type Tag = components["schemas"]["tag"];

/** A file of a repository's .github/workflows: its text, or a symbolic link to `target`. */
export type WorkflowEntry = string | { symlink: string };

interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  authorization?: string;
  /** For a GraphQL query: the pull requests it asked about. */
  pullRequests?: number[];
}

/** A pull request's timeline as GraphQL answers it. */
interface Timeline {
  number: number;
  createdAt: string;
  updatedAt: string;
  mergedAt: string | null;
  closedAt: string | null;
  timelineItems: { nodes: Record<string, unknown>[] };
}

interface ApiState {
  /** org → repository full names. */
  orgs: Record<string, string[]>;
  /** full name → artifacts, each with its zip. */
  artifacts: Record<string, { artifact: Artifact; zip: Uint8Array }[]>;
  /** full name → number → timeline. */
  timelines: Record<string, Record<number, Timeline>>;
  /** full name → file name → entry of .github/workflows (no entry: the folder does not exist). */
  workflows: Record<string, Record<string, WorkflowEntry>>;
  /** full name → repository-relative path → entry: other files (local actions), listed by folder. */
  files: Record<string, Record<string, WorkflowEntry>>;
  /** full name → its releases, newest first as GitHub lists them. */
  releases: Record<string, { tag: string; draft?: boolean; prerelease?: boolean }[]>;
  /** full name → tag names. */
  tags: Record<string, string[]>;
  failures: { path: RegExp; status: number; times: number }[];
}

export interface FakeGitHub {
  url: string;
  state: ApiState;
  requests: RecordedRequest[];
  addArtifact(repository: string, id: number, zip: Uint8Array, extra?: Partial<Artifact>): void;
  close(): Promise<void>;
}

export async function fakeGitHub(): Promise<FakeGitHub> {
  const state: ApiState = {
    orgs: {},
    artifacts: {},
    timelines: {},
    workflows: {},
    files: {},
    releases: {},
    tags: {},
    failures: [],
  };
  const requests: RecordedRequest[] = [];
  let base = "";
  /** An entry of a contents listing, as GitHub answers it. */
  function directoryEntry(full: string, file: string, entry: WorkflowEntry): DirectoryEntry {
    const sha = blobSha(entry);
    const self = `${base}/repos/${full}/contents/${file}?ref=main`;
    const git = `${base}/repos/${full}/git/blobs/${sha}`;
    const html = `https://github.com/${full}/blob/main/${file}`;
    return {
      type: typeof entry === "string" ? "file" : "symlink",
      size: Buffer.byteLength(typeof entry === "string" ? entry : entry.symlink),
      name: file.split("/").at(-1) ?? file,
      path: file,
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: `https://raw.githubusercontent.com/${full}/main/${file}`,
      _links: { self, git, html },
    };
  }
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // Octokit sends a contents path's slashes as %2F; GitHub reads them as slashes.
    const path = decodeURIComponent(url.pathname);
    const record: RecordedRequest = {
      method: req.method ?? "",
      path,
      status: 200,
      authorization: req.headers.authorization,
    };
    requests.push(record);
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      const text = JSON.stringify(data);
      const etag = `"${createHash("sha1")
        .update(text)
        .update(headers.link ?? "")
        .digest("hex")}"`;
      if (status === 200 && req.method === "GET" && req.headers["if-none-match"] === etag) {
        record.status = 304;
        res.writeHead(304, { etag });
        return res.end();
      }
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", etag, ...headers });
      res.end(text);
    };
    const failure = state.failures.find((f) => f.path.test(path) && f.times > 0);
    if (failure) {
      failure.times--;
      return send(failure.status, { message: "Server Error" });
    }
    const page = (items: unknown[], wrap: (slice: unknown[]) => unknown = (s) => s) => {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const n = Number(url.searchParams.get("page") ?? 1);
      const headers: Record<string, string> = {};
      if (n * perPage < items.length) {
        const next = new URL(url);
        next.searchParams.set("page", String(n + 1));
        headers.link = `<${base}${next.pathname}${next.search}>; rel="next"`;
      }
      return send(200, wrap(items.slice((n - 1) * perPage, n * perPage)), headers);
    };
    let m: RegExpExecArray | null;
    if (req.method === "GET" && (m = /^\/orgs\/([^/]+)\/repos$/.exec(path))) {
      const example = webhookExample("pull_request", "opened").repository;
      const repos = (state.orgs[m[1] ?? ""] ?? []).map((full, i) => ({
        ...example,
        id: 1000 + i,
        name: full.split("/")[1],
        full_name: full,
        archived: false,
      }));
      return page(repos);
    }
    if (req.method === "GET" && (m = /^\/repos\/([^/]+\/[^/]+)\/actions\/artifacts$/.exec(path))) {
      const name = url.searchParams.get("name");
      const all = (state.artifacts[m[1] ?? ""] ?? [])
        .map((a) => a.artifact)
        .filter((a) => !name || a.name === name);
      return page(all, (slice) => ({ total_count: all.length, artifacts: slice }));
    }
    if (
      req.method === "GET" &&
      (m = /^\/repos\/([^/]+\/[^/]+)\/actions\/artifacts\/(\d+)\/zip$/.exec(path))
    ) {
      const found = (state.artifacts[m[1] ?? ""] ?? []).find((a) => a.artifact.id === Number(m?.[2]));
      if (!found) return send(404, { message: "Not Found" });
      // GitHub answers with a short-lived storage URL elsewhere.
      record.status = 302;
      res.writeHead(302, { location: `${base}/storage/${m[1]}/${m[2]}.zip` });
      return res.end();
    }
    if (req.method === "GET" && (m = /^\/storage\/([^/]+\/[^/]+)\/(\d+)\.zip$/.exec(path))) {
      const found = (state.artifacts[m[1] ?? ""] ?? []).find((a) => a.artifact.id === Number(m?.[2]));
      if (!found) return send(404, { message: "Not Found" });
      res.writeHead(200, { "content-type": "application/zip" });
      return res.end(found.zip);
    }
    if (req.method === "GET" && (m = /^\/repos\/([^/]+\/[^/]+)\/pulls$/.exec(path))) {
      const full = m[1] ?? "";
      const wanted = url.searchParams.get("state") ?? "open";
      const sort = url.searchParams.get("sort") ?? "created";
      const direction = url.searchParams.get("direction") ?? (sort === "created" ? "desc" : "asc");
      const key = sort === "updated" ? "updatedAt" : "createdAt";
      const example = webhookExample("pull_request", "opened").pull_request;
      const pulls = Object.values(state.timelines[full] ?? {})
        .map((t) => ({
          ...example,
          id: 5000 + t.number,
          number: t.number,
          state: t.closedAt ? "closed" : "open",
          created_at: t.createdAt,
          updated_at: t.updatedAt,
          closed_at: t.closedAt,
          merged_at: t.mergedAt,
          url: `${base}/repos/${full}/pulls/${t.number}`,
          _sort: t[key],
        }))
        .filter((p) => wanted === "all" || p.state === wanted)
        .sort((a, b) => (direction === "desc" ? -1 : 1) * a._sort.localeCompare(b._sort))
        .map(({ _sort, ...p }) => p);
      return page(pulls);
    }
    if (
      req.method === "GET" &&
      (m = /^\/repos\/([^/]+\/[^/]+)\/contents\/\.github\/workflows\/?$/.exec(path))
    ) {
      const full = m[1] ?? "";
      const files = state.workflows[full];
      if (!files) return send(404, { message: "Not Found" });
      const entries: DirectoryEntry[] = Object.entries(files)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, entry]) => directoryEntry(full, `.github/workflows/${name}`, entry));
      return send(200, entries);
    }
    if (req.method === "GET" && (m = /^\/repos\/([^/]+\/[^/]+)\/contents\/(.+?)\/?$/.exec(path))) {
      // Any other folder: the direct children of state.files under it (a sub-folder as a dir).
      const full = m[1] ?? "";
      const folder = m[2] ?? "";
      const children = new Map<string, DirectoryEntry>();
      for (const [file, entry] of Object.entries(state.files[full] ?? {})) {
        if (!file.startsWith(`${folder}/`)) continue;
        const [name, ...rest] = file.slice(folder.length + 1).split("/");
        const child = `${folder}/${name}`;
        if (rest.length === 0) children.set(child, directoryEntry(full, child, entry));
        else if (!children.has(child))
          children.set(child, { ...directoryEntry(full, child, ""), type: "dir", size: 0 });
      }
      if (children.size === 0) return send(404, { message: "Not Found" });
      return send(
        200,
        [...children.values()].sort((a, b) => a.name.localeCompare(b.name)),
      );
    }
    if (req.method === "GET" && (m = /^\/repos\/([^/]+\/[^/]+)\/git\/blobs\/([0-9a-f]{40})$/.exec(path))) {
      const full = m[1] ?? "";
      const entry = [
        ...Object.values(state.workflows[full] ?? {}),
        ...Object.values(state.files[full] ?? {}),
      ].find((e) => blobSha(e) === m?.[2]);
      if (entry === undefined) return send(404, { message: "Not Found" });
      const text = typeof entry === "string" ? entry : entry.symlink;
      const blob: Blob = {
        sha: m[2] ?? "",
        node_id: `B_${m[2]}`,
        size: Buffer.byteLength(text),
        url: `${base}${path}`,
        // GitHub wraps base64 at 60 characters.
        content: `${Buffer.from(text).toString("base64").replace(/.{60}/g, "$&\n")}\n`,
        encoding: "base64",
      };
      return send(200, blob);
    }
    if (req.method === "GET" && (m = /^\/repos\/([^/]+\/[^/]+)\/releases$/.exec(path))) {
      const full = m[1] ?? "";
      // A repository the fake knows nothing of does not exist (or the token cannot see it).
      if (!state.releases[full] && !state.tags[full]) return send(404, { message: "Not Found" });
      const example = webhookExample("release", "published").release;
      const releases: Release[] = (state.releases[full] ?? []).map((r, i) => ({
        ...example,
        id: 9000 + i,
        node_id: `RE_${i}`,
        tag_name: r.tag,
        name: r.tag,
        draft: r.draft ?? false,
        prerelease: r.prerelease ?? false,
        url: `${base}/repos/${full}/releases/${9000 + i}`,
        html_url: `https://github.com/${full}/releases/tag/${r.tag}`,
        assets: [],
      }));
      return page(releases);
    }
    if (req.method === "GET" && (m = /^\/repos\/([^/]+\/[^/]+)\/tags$/.exec(path))) {
      const full = m[1] ?? "";
      const tags: Tag[] = (state.tags[full] ?? []).map((name) => {
        const sha = createHash("sha1").update(name).digest("hex");
        return {
          name,
          commit: { sha, url: `${base}/repos/${full}/commits/${sha}` },
          zipball_url: `${base}/repos/${full}/zipball/refs/tags/${name}`,
          tarball_url: `${base}/repos/${full}/tarball/refs/tags/${name}`,
          node_id: `REF_${sha.slice(0, 8)}`,
        };
      });
      return page(tags);
    }
    if (req.method === "POST" && path === "/graphql") {
      const { query, variables } = body as { query: string; variables: { owner: string; name: string } };
      const timelines = state.timelines[`${variables.owner}/${variables.name}`] ?? {};
      const repository: Record<string, unknown> = {};
      record.pullRequests = [];
      for (const [, alias, n] of query.matchAll(/(\w+): pullRequest\(number: (\d+)\)/g)) {
        repository[alias as string] = timelines[Number(n)] ?? null;
        record.pullRequests.push(Number(n));
      }
      return send(200, { data: { repository } });
    }
    send(404, { message: `no route ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    state,
    requests,
    addArtifact(repository, id, zip, extra = {}) {
      const artifact: Artifact = {
        id,
        node_id: `MDg6QXJ0aWZhY3Q${id}`,
        name: "change-gate-evidence",
        size_in_bytes: zip.length,
        url: `${base}/repos/${repository}/actions/artifacts/${id}`,
        archive_download_url: `${base}/repos/${repository}/actions/artifacts/${id}/zip`,
        expired: false,
        created_at: "2026-11-02T10:00:00Z",
        expires_at: "2027-02-02T10:00:00Z",
        updated_at: "2026-11-02T10:00:00Z",
        workflow_run: {
          id: id * 10,
          repository_id: 1,
          head_repository_id: 1,
          head_branch: "feature",
          head_sha: "a".repeat(40),
        },
        ...extra,
      };
      (state.artifacts[repository] ??= []).push({ artifact, zip });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Git's blob id of an entry's content (a symbolic link's blob is its target path). */
export function blobSha(entry: WorkflowEntry): string {
  const bytes = Buffer.from(typeof entry === "string" ? entry : entry.symlink);
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}
