import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
  body?: unknown;
}

/** What the fake API serves; tests change it between runs. */
interface ApiState {
  reviews: unknown[];
  /** "org/team" → member logins. */
  teams: Record<string, string[]>;
  events: unknown[];
  comments: { id: number; body: string; user: { login: string; type: string } }[];
  /** Paths (regular expressions) answered with this status instead. */
  failures: { path: RegExp; status: number }[];
}

export interface FakeGitHub {
  url: string;
  state: ApiState;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that answers the REST routes the gate calls. */
export async function fakeGitHub(): Promise<FakeGitHub> {
  const state: ApiState = { reviews: [], teams: {}, events: [], comments: [], failures: [] };
  const requests: RecordedRequest[] = [];
  let nextId = 1000;
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({
      method: req.method ?? "",
      url: url.pathname,
      authorization: req.headers.authorization,
      body,
    });
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(data));
    };
    const failure = state.failures.find((f) => f.path.test(url.pathname));
    if (failure) return send(failure.status, { message: "Server Error" });
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if (req.method === "GET" && /^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/reviews$/.test(path)) {
      // Paginated as GitHub does: per_page items, a Link header to the next page.
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      if (page * perPage < state.reviews.length) {
        const { port } = server.address() as AddressInfo;
        res.setHeader(
          "link",
          `<http://127.0.0.1:${port}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"`,
        );
      }
      return send(200, state.reviews.slice((page - 1) * perPage, page * perPage));
    }
    if (req.method === "GET" && (m = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path))) {
      const members = state.teams[`${m[1]}/${m[2]}`] ?? [];
      return members.includes(decodeURIComponent(m[3] ?? ""))
        ? send(200, { url: `${path}`, role: "member", state: "active" })
        : send(404, { message: "Not Found" });
    }
    if (req.method === "GET" && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/events$/.test(path))
      return send(200, state.events);
    if (/^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(path)) {
      if (req.method === "GET") return send(200, state.comments);
      const comment = {
        id: nextId++,
        body: (body as { body: string }).body,
        user: { login: "github-actions[bot]", type: "Bot" },
      };
      state.comments.push(comment);
      return send(201, comment);
    }
    if (req.method === "PATCH" && (m = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(path))) {
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}
