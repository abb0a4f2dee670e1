import { redact } from "@secflow/kit";
import type { Database } from "./database.ts";

/** What one sync asked of the API: every HTTP request, and how many a cached ETag answered (304). */
interface RequestCount {
  requests: number;
  notModified: number;
  graphql: number;
}

export interface GitHubClient {
  /** Every item of a paginated REST list (arrays, or GitHub's `{ total_count, <items> }` pages). */
  list<T>(route: string, params: Record<string, unknown>): Promise<T[]>;
  /**
   * A paginated REST list read in order, page by page, up to the first item for which `stop`
   * is true (left out, with the rest): a list sorted newest first, read back to a known time.
   * `index` counts items from the start of the list.
   */
  listUntil<T>(
    route: string,
    params: Record<string, unknown>,
    stop: (item: T, index: number) => boolean,
  ): Promise<T[]>;
  /**
   * One REST GET; undefined when GitHub answers 404 (no such file or folder). `conditional:
   * false` for content-addressed answers (a git blob) that are never asked for twice.
   */
  get<T>(
    route: string,
    params: Record<string, unknown>,
    options?: { conditional?: boolean },
  ): Promise<T | undefined>;
  /** Raw bytes of a download (an artifact's zip), following GitHub's redirect to storage. */
  download(route: string, params: Record<string, unknown>): Promise<Uint8Array>;
  graphql<T>(query: string, variables: Record<string, unknown>): Promise<T>;
  count: RequestCount;
}

export interface ClientOptions {
  token: string;
  /** GITHUB_API_URL; https://api.github.com by default. */
  baseUrl: string;
  /** Where conditional requests keep their ETags. */
  db: Database;
  progress: (line: string) => void;
}

/**
 * An Octokit client (@actions/github) with @octokit/plugin-retry, @octokit/plugin-throttling
 * and conditional requests: each GET sends the ETag of its last answer, and a 304 (which GitHub
 * does not count against the rate limit) is answered from the store.
 */
export async function gitHubClient(options: ClientOptions): Promise<GitHubClient> {
  const [{ getOctokit }, { retry }, { throttling }] = await Promise.all([
    import("@actions/github"),
    import("@octokit/plugin-retry"),
    import("@octokit/plugin-throttling"),
  ]);
  const count: RequestCount = { requests: 0, notModified: 0, graphql: 0 };
  const { db, progress } = options;
  type Plugin = NonNullable<Parameters<typeof getOctokit>[2]>;
  const wait = (
    retryAfter: number,
    opts: { method?: string; url?: string },
    _o: unknown,
    retryCount: number,
  ) => {
    progress(`rate limited on ${opts.method} ${opts.url}; waiting ${retryAfter} s`);
    return retryCount < 2;
  };
  const octokit = getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl.replace(/\/+$/, ""),
      throttle: { onRateLimit: wait, onSecondaryRateLimit: wait, id: "secflow-flow-report" },
    } as Parameters<typeof getOctokit>[1],
    conditionalRequests(db, count) as unknown as Plugin,
    retry as Plugin,
    throttling as Plugin,
  );
  const fail = (what: string, error: unknown): never => {
    throw new ApiError(redact(`GitHub API ${what} failed: ${(error as Error).message}`, [options.token]));
  };
  return {
    count,
    async list<T>(route: string, params: Record<string, unknown>) {
      try {
        return (await octokit.paginate(route, { ...params, per_page: 100 })) as T[];
      } catch (error) {
        return fail(route, error);
      }
    },
    async listUntil<T>(
      route: string,
      params: Record<string, unknown>,
      stop: (item: T, index: number) => boolean,
    ) {
      let read = 0;
      try {
        // The route is ours, not one of Octokit's typed paginating routes.
        const paginate = octokit.paginate as unknown as (
          route: string,
          params: Record<string, unknown>,
          map: (response: { data: unknown }, done: () => void) => T[],
        ) => Promise<T[]>;
        return await paginate(route, { ...params, per_page: 100 }, (response, done) => {
          const items = response.data as T[];
          const end = items.findIndex((item, i) => stop(item, read + i));
          read += items.length;
          if (end < 0) return items;
          done();
          return items.slice(0, end);
        });
      } catch (error) {
        return fail(route, error);
      }
    },
    async get<T>(route: string, params: Record<string, unknown>, options: { conditional?: boolean } = {}) {
      try {
        const { data } = await octokit.request(route, {
          ...params,
          ...(options.conditional === false ? { request: { conditional: false } } : {}),
        });
        return data as T;
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        return fail(route, error);
      }
    },
    async download(route, params) {
      try {
        const { data } = await octokit.request(route, {
          ...params,
          request: { parseSuccessResponseBody: false },
        });
        // Without parsing, Octokit hands over the fetch body: a stream, or already bytes.
        if (data instanceof ArrayBuffer) return new Uint8Array(data);
        return new Uint8Array(await new Response(data as ReadableStream).arrayBuffer());
      } catch (error) {
        return fail(route, error);
      }
    },
    async graphql<T>(query: string, variables: Record<string, unknown>) {
      count.graphql++;
      try {
        return (await octokit.graphql(query, variables)) as T;
      } catch (error) {
        return fail("GraphQL query", error);
      }
    },
  };
}

/** A GitHub API call that failed (after retries), with the token redacted from its message. */
export class ApiError extends Error {
  override readonly name = "ApiError";
}

interface HookOptions {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  request?: { parseSuccessResponseBody?: boolean; conditional?: boolean };
  [key: string]: unknown;
}
interface HookResponse {
  status: number;
  url: string;
  headers: Record<string, string | undefined>;
  data: unknown;
}
type Request = (options: HookOptions) => Promise<HookResponse>;

/** An Octokit plugin: If-None-Match from the store, 304s answered from it, new ETags saved. */
function conditionalRequests(db: Database, count: RequestCount) {
  return (octokit: {
    hook: {
      wrap(name: "request", hook: (request: Request, options: HookOptions) => Promise<HookResponse>): void;
    };
    request: { endpoint(options: HookOptions): { url: string } };
  }) => {
    octokit.hook.wrap("request", async (request, options) => {
      count.requests++;
      const cacheable =
        options.method === "GET" &&
        options.request?.parseSuccessResponseBody !== false &&
        options.request?.conditional !== false;
      if (!cacheable) return request(options);
      // The URL with its parameters filled in: a route's template (what merge() gives for
      // octokit.request) would be one cache entry for every repository.
      const url = octokit.request.endpoint(options).url;
      const [cached] = await db.query<{ etag: string; body: string }>(
        "SELECT etag, body FROM http_cache WHERE url = $1",
        [url],
      );
      if (cached) options.headers = { ...options.headers, "if-none-match": cached.etag };
      try {
        const response = await request(options);
        const etag = response.headers.etag;
        if (etag)
          await db.query(
            `INSERT INTO http_cache (url, etag, body, fetched_at) VALUES ($1, $2, $3, now())
             ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, body = EXCLUDED.body, fetched_at = now()`,
            [url, etag, JSON.stringify({ data: response.data, link: response.headers.link ?? null })],
          );
        return response;
      } catch (error) {
        if (cached && (error as { status?: number }).status === 304) {
          count.notModified++;
          const saved = JSON.parse(cached.body) as { data: unknown; link: string | null };
          return {
            status: 200,
            url,
            headers: { etag: cached.etag, ...(saved.link ? { link: saved.link } : {}) },
            data: saved.data,
          };
        }
        throw error;
      }
    });
  };
}
