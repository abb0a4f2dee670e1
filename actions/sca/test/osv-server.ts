// A local server speaking the OSV API's protocol (POST /v1/querybatch with per-query page
// tokens, GET /v1/vulns/{id}), with knobs for the failures a real network has. Its version
// matching is written independently of the action's, with semver and PEP 440 libraries.

import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import * as pep440 from "@renovatebot/pep440";
import semver from "semver";
import type { OsvRecord } from "../src/osv/types.ts";

export interface OsvServerOptions {
  records: OsvRecord[];
  /** At most this many vulns per query and page (osv.dev pages long answers). */
  pageSize?: number;
  /** The first `times` requests to a path prefix get `status` (or a non-JSON body when status is 200). */
  failures?: { path: string; times: number; status: number }[];
  /** Advisory ids whose GET answers 404. */
  missing?: string[];
  /** Required Authorization header value, if any. */
  authorization?: string;
}

interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization?: string;
}

export interface OsvServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startOsvServer(options: OsvServerOptions): Promise<OsvServer> {
  const requests: RecordedRequest[] = [];
  const failures = (options.failures ?? []).map((f) => ({ ...f }));
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = req.url ?? "/";
    requests.push({
      method: req.method ?? "",
      path,
      body,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (options.authorization && req.headers.authorization !== options.authorization)
      return send(401, { code: 16, message: "unauthenticated" });
    const failure = failures.find((f) => path.startsWith(f.path) && f.times > 0);
    if (failure) {
      failure.times--;
      if (failure.status === 200) {
        res.writeHead(200, { "content-type": "text/html" });
        return res.end("<html><body>Service temporarily unavailable</body></html>");
      }
      return send(failure.status, { code: 14, message: "unavailable" });
    }
    if (req.method === "POST" && path === "/v1/querybatch") {
      const queries = (body as { queries?: Query[] }).queries ?? [];
      return send(200, { results: queries.map((q) => page(options, q)) });
    }
    const vuln = /^\/v1\/vulns\/(.+)$/.exec(path);
    if (req.method === "GET" && vuln) {
      const id = decodeURIComponent(vuln[1] as string);
      const record = options.records.find((r) => r.id === id);
      if (!record || options.missing?.includes(id)) return send(404, { code: 5, message: "Bug not found." });
      return send(200, record);
    }
    send(404, { code: 5, message: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Query {
  package: { name: string; ecosystem: string };
  version: string;
  page_token?: string;
}

function page(options: OsvServerOptions, query: Query) {
  const ids = options.records
    .filter((r) => affects(r, query))
    .map((r) => ({ id: r.id, modified: r.modified }));
  const start = Number(query.page_token ?? 0);
  const size = options.pageSize ?? ids.length;
  const vulns = ids.slice(start, start + size);
  if (vulns.length === 0) return {};
  return start + size < ids.length ? { vulns, next_page_token: String(start + size) } : { vulns };
}

function affects(record: OsvRecord, query: Query): boolean {
  const same = (a: string, b: string) =>
    query.package.ecosystem === "PyPI" ? a.toLowerCase() === b.toLowerCase() : a === b;
  const compare = query.package.ecosystem === "PyPI" ? pep440.compare : semver.compare;
  return (record.affected ?? []).some((a) => {
    if (
      !a.package ||
      a.package.ecosystem !== query.package.ecosystem ||
      !same(a.package.name, query.package.name)
    )
      return false;
    return (a.ranges ?? []).some((range) => {
      let vulnerable = false;
      for (const event of range.events) {
        if (
          event.introduced !== undefined &&
          (event.introduced === "0" || compare(query.version, event.introduced) >= 0)
        )
          vulnerable = true;
        if (event.fixed !== undefined && compare(query.version, event.fixed) >= 0) vulnerable = false;
      }
      return vulnerable;
    });
  });
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
