// The OSV API (https://google.github.io/osv.dev/api/): POST /v1/querybatch answers which advisory
// ids affect each package version (paged per query), GET /v1/vulns/{id} gives each advisory.

import { UserError } from "@secflow/errors";
import type { Package, Skip } from "../model.ts";
import { goSemver } from "../versions/order.ts";
import { displayUrl, HttpError, type HttpOptions, requestJson } from "./http.ts";
import { asOsvRecord } from "./record.ts";
import type { OsvRecord } from "./types.ts";

export const DEFAULT_OSV_API_URL = "https://api.osv.dev";

export interface OsvApiOptions extends HttpOptions {
  baseUrl: string;
  /** Queries per querybatch request; osv.dev accepts up to 1000. */
  batchSize?: number;
  /** Advisory downloads at once. */
  concurrency?: number;
}

export interface ApiMatches {
  /** Advisory ids affecting each package, by index into the packages given. */
  ids: string[][];
  records: Map<string, OsvRecord>;
  /** Ids whose details could not be fetched (the match still stands). */
  missing: Map<string, string>;
  skipped: Skip[];
}

interface Query {
  index: number;
  body: { package: { name: string; ecosystem: string }; version: string; page_token?: string };
}

/** Asks the API which advisories affect each package, then fetches each advisory once. */
export async function queryOsvApi(packages: readonly Package[], options: OsvApiOptions): Promise<ApiMatches> {
  const base = parseBaseUrl(options.baseUrl);
  const http = withCredentials(base, options);
  const ids: string[][] = packages.map(() => []);
  const skipped: Skip[] = [];
  let pending: Query[] = packages.map((pkg, index) => ({
    index,
    body: {
      package: { name: pkg.name, ecosystem: pkg.ecosystem },
      version: pkg.ecosystem === "Go" ? goSemver(pkg.version) : pkg.version,
    },
  }));
  const batchSize = options.batchSize ?? 1000;
  let failedBatches = 0;
  let batches = 0;
  let firstError = "";
  while (pending.length > 0) {
    const next: Query[] = [];
    for (let i = 0; i < pending.length; i += batchSize) {
      const batch = pending.slice(i, i + batchSize);
      batches++;
      try {
        const answer = await requestJson(
          endpoint(base, "v1/querybatch"),
          { method: "POST", body: { queries: batch.map((q) => q.body) } },
          http,
        );
        const results = readBatch(answer, batch.length);
        results.forEach((result, j) => {
          const query = batch[j] as Query;
          (ids[query.index] as string[]).push(...result.ids);
          if (result.nextPageToken)
            next.push({ index: query.index, body: { ...query.body, page_token: result.nextPageToken } });
        });
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        failedBatches++;
        firstError ||= error.message;
        for (const query of batch) {
          const pkg = packages[query.index] as Package;
          skipped.push({
            subject: `${pkg.name}@${pkg.version} (${pkg.lockfile})`,
            reason: `not checked: ${error.message}`,
            ecosystem: pkg.ecosystem,
          });
        }
      }
    }
    pending = next;
  }
  if (batches > 0 && failedBatches === batches) {
    throw new UserError(
      `The OSV API at ${displayUrl(base)} could not be queried: ${firstError}. Check osv-api-url and the runner's network, or scan offline with osv-db.`,
    );
  }
  const unique = [...new Set(ids.flat())];
  const { records, missing } = await fetchRecords(base, unique, http, options.concurrency ?? 8);
  return { ids: ids.map((list) => [...new Set(list)]), records, missing, skipped };
}

interface BatchResult {
  ids: string[];
  nextPageToken?: string;
}

function readBatch(answer: unknown, expected: number): BatchResult[] {
  const results = (answer as { results?: unknown } | null)?.results;
  if (!Array.isArray(results) || results.length !== expected) {
    throw new HttpError(
      `querybatch answered ${Array.isArray(results) ? `${results.length} results for ${expected} queries` : "without a results list"}`,
      200,
    );
  }
  return results.map((result) => {
    const vulns = (result as { vulns?: unknown } | null)?.vulns ?? [];
    const token = (result as { next_page_token?: unknown } | null)?.next_page_token;
    if (!Array.isArray(vulns) || vulns.some((v) => typeof (v as { id?: unknown })?.id !== "string")) {
      throw new HttpError("querybatch answered a result whose vulns are not a list of ids", 200);
    }
    return {
      ids: vulns.map((v) => (v as { id: string }).id),
      ...(typeof token === "string" && token ? { nextPageToken: token } : {}),
    };
  });
}

async function fetchRecords(base: URL, ids: string[], http: HttpOptions, concurrency: number) {
  const records = new Map<string, OsvRecord>();
  const missing = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      try {
        const answer = await requestJson(
          endpoint(base, `v1/vulns/${encodeURIComponent(id)}`),
          { method: "GET" },
          http,
        );
        const record = asOsvRecord(answer);
        if (typeof record === "string") missing.set(id, `the API's answer is not an OSV record: ${record}`);
        else if (record.id !== id) missing.set(id, `the API answered with advisory ${record.id}`);
        else records.set(id, record);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        missing.set(id, error.message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  return { records, missing };
}

/** The `osv-api-url` input as a URL; anything but http(s) is a UserError. */
export function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`Input "osv-api-url" is not a URL: write e.g. ${DEFAULT_OSV_API_URL}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UserError(`Input "osv-api-url" must be an http(s) URL, not ${url.protocol}.`);
  }
  return url;
}

/** A mirror's user:password in the URL becomes a Basic Authorization header (fetch refuses it in URLs). */
function withCredentials(base: URL, options: HttpOptions): HttpOptions {
  if (!base.username && !base.password) return options;
  const user = decodeURIComponent(base.username);
  const password = decodeURIComponent(base.password);
  const headers = {
    ...options.headers,
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
  };
  return { ...options, headers };
}

function endpoint(base: URL, path: string): URL {
  const url = new URL(path, base.href.endsWith("/") ? base.href : `${base.href}/`);
  url.username = "";
  url.password = "";
  return url;
}
