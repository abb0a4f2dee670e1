import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkSuite, restCommit, restPermission } from "./rest.ts";

interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
  body?: unknown;
}

interface Failure {
  path: RegExp;
  status: number;
  /** Fail this many times, then answer normally; always when unset. */
  times?: number;
  headers?: Record<string, string>;
  message?: string;
}

/** What the fake API serves; tests change it between runs. */
interface ApiState {
  /** The reviews of any pull request asked about. */
  reviews: unknown[];
  /** "org/team" → member logins. */
  teams: Record<string, string[]>;
  /** The issue events of any pull request asked about (labeled, head_ref_force_pushed, …). */
  events: unknown[];
  comments: { id: number; body: string; user: { login: string; type: string } }[];
  /** Paths (regular expressions) answered with this status instead. */
  failures: Failure[];
  /** Paths that are not answered (this many times; always when unset): the connection stays open and silent. */
  hang: { path: RegExp; times?: number }[];
  /** Paths answered 200 with this body as it is (not JSON-encoded). */
  raw: { path: RegExp; contentType: string; body: string }[];
  /** login → repository role (admin, maintain, write, triage, read); anyone else can read (a public repository). */
  permissions: Record<string, string>;
  /** GET /repos/{o}/{r}/pulls/{n}, by number. */
  pulls: Record<number, unknown>;
  /** GET /repos/{o}/{r}/pulls/{n}/commits of any pull request asked about. */
  pullCommits: unknown[];
  /** GET /repos/{o}/{r}/commits/{sha}; a commit not listed is by `defaultCommitter`, committed at `pushedAt`. */
  commits: Record<string, unknown>;
  /** GET /repos/{o}/{r}/commits/{sha}/check-suites; a commit not listed has one suite created at `pushedAt`. */
  checkSuites: Record<string, unknown[]>;
  pushedAt: string;
  defaultCommitter: string;
}

export interface FakeGitHub {
  url: string;
  state: ApiState;
  requests: RecordedRequest[];
  /** Everything back to the defaults: a repository where sec-alice is admin, bob writes, maintainer maintains. */
  reset(): void;
  close(): Promise<void>;
}

function defaults(): ApiState {
  return {
    reviews: [],
    teams: {},
    events: [],
    comments: [],
    failures: [],
    hang: [],
    raw: [],
    permissions: { "sec-alice": "admin", bob: "write", maintainer: "maintain" },
    pulls: {},
    pullCommits: [],
    commits: {},
    checkSuites: {},
    pushedAt: "2026-01-01T00:00:00Z",
    defaultCommitter: "octo-dev",
  };
}

const REPO = "^/repos/[^/]+/[^/]+";

/** A real HTTP server on 127.0.0.1 that answers the REST routes the gate calls, as GitHub does. */
export async function fakeGitHub(): Promise<FakeGitHub> {
  const state: ApiState = defaults();
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let nextId = 1000;
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    requests.push({ method: req.method ?? "", url: path, authorization: req.headers.authorization, body });
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(data));
    };
    const hang = state.hang.find((h) => h.path.test(path) && (h.times === undefined || h.times > 0));
    if (hang) {
      if (hang.times !== undefined) hang.times--;
      hanging.add(res);
      return;
    }
    const failure = state.failures.find((f) => f.path.test(path) && (f.times === undefined || f.times > 0));
    if (failure) {
      if (failure.times !== undefined) failure.times--;
      return send(failure.status, { message: failure.message ?? "Server Error" }, failure.headers);
    }
    const raw = state.raw.find((r) => r.path.test(path));
    if (raw) {
      res.writeHead(200, { "content-type": raw.contentType });
      return res.end(raw.body);
    }
    // Paginated as GitHub does: per_page items, a Link header to the next page.
    const page = (items: unknown[], wrap?: (slice: unknown[]) => unknown) => {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const n = Number(url.searchParams.get("page") ?? 1);
      const headers: Record<string, string> = {};
      if (n * perPage < items.length) {
        const { port } = server.address() as AddressInfo;
        headers.link = `<http://127.0.0.1:${port}${path}?per_page=${perPage}&page=${n + 1}>; rel="next"`;
      }
      const slice = items.slice((n - 1) * perPage, n * perPage);
      return send(200, wrap ? wrap(slice) : slice, headers);
    };
    const get = req.method === "GET";
    let m: RegExpExecArray | null;
    if (get && new RegExp(`${REPO}/pulls/\\d+/reviews$`).test(path)) return page(state.reviews);
    if (get && new RegExp(`${REPO}/pulls/\\d+/commits$`).test(path)) return page(state.pullCommits);
    if (get && (m = new RegExp(`${REPO}/pulls/(\\d+)$`).exec(path))) {
      const pull = state.pulls[Number(m[1])];
      return pull ? send(200, pull) : send(404, { message: "Not Found" });
    }
    if (get && (m = new RegExp(`${REPO}/collaborators/([^/]+)/permission$`).exec(path))) {
      const login = decodeURIComponent(m[1] ?? "");
      return send(200, restPermission(login, state.permissions[login] ?? "read"));
    }
    if (get && (m = new RegExp(`${REPO}/commits/([^/]+)/check-suites$`).exec(path))) {
      const sha = m[1] ?? "";
      const suites = state.checkSuites[sha] ?? [checkSuite(sha, state.pushedAt)];
      return page(suites, (slice) => ({ total_count: suites.length, check_suites: slice }));
    }
    if (get && (m = new RegExp(`${REPO}/commits/([^/]+)$`).exec(path))) {
      const sha = m[1] ?? "";
      return send(
        200,
        state.commits[sha] ??
          restCommit(
            {
              sha,
              name: "Test",
              email: "test@example.com",
              authoredAt: state.pushedAt,
              committedAt: state.pushedAt,
            },
            { author: state.defaultCommitter, committer: state.defaultCommitter },
          ),
      );
    }
    if (get && (m = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path))) {
      const members = state.teams[`${m[1]}/${m[2]}`] ?? [];
      return members.includes(decodeURIComponent(m[3] ?? ""))
        ? send(200, { url: `${path}`, role: "member", state: "active" })
        : send(404, { message: "Not Found" });
    }
    if (get && new RegExp(`${REPO}/issues/\\d+/events$`).test(path)) return page(state.events);
    if (new RegExp(`${REPO}/issues/\\d+/comments$`).test(path)) {
      if (get) return send(200, state.comments);
      const comment = {
        id: nextId++,
        body: (body as { body: string }).body,
        user: { login: "github-actions[bot]", type: "Bot" },
      };
      state.comments.push(comment);
      return send(201, comment);
    }
    if (req.method === "PATCH" && (m = new RegExp(`${REPO}/issues/comments/(\\d+)$`).exec(path))) {
      const comment = state.comments.find((c) => c.id === Number(m?.[1]));
      if (!comment) return send(404, { message: "Not Found" });
      comment.body = (body as { body: string }).body;
      return send(200, comment);
    }
    send(404, { message: `no route ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    reset() {
      Object.assign(state, defaults());
      requests.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}
