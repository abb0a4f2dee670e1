// JSON over HTTP with retries: 429, 5xx, network errors, time-outs and unreadable bodies are
// retried with exponential backoff; other 4xx answers are final. Errors name the URL without
// any credentials it carries.

export interface HttpOptions {
  /** Attempts after the first (default 4). */
  retries?: number;
  /** First backoff delay; doubles each retry (default 500 ms). Tests pass a tiny one. */
  backoffMs?: number;
  /** Per-request time-out (default 30 s). */
  timeoutMs?: number;
  /** Extra headers, e.g. Authorization for a mirror. */
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Sends a request and parses the JSON answer, retrying what may pass. */
export async function requestJson(
  url: URL,
  init: { method: "GET" | "POST"; body?: unknown },
  options: HttpOptions = {},
): Promise<unknown> {
  const retries = options.retries ?? 4;
  const backoffMs = options.backoffMs ?? 500;
  let lastError: HttpError | undefined;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2));
    try {
      return await attemptOnce(url, init, options);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      lastError = error;
      if (!isRetryable(error)) break;
    }
  }
  throw lastError ?? new HttpError(`${displayUrl(url)}: no answer`);
}

async function attemptOnce(
  url: URL,
  init: { method: "GET" | "POST"; body?: unknown },
  options: HttpOptions,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: {
        accept: "application/json",
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...options.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      redirect: "follow",
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === "TimeoutError"
        ? "timed out"
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new HttpError(`${init.method} ${displayUrl(url)}: ${reason}`);
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) {
    throw new HttpError(
      `${init.method} ${displayUrl(url)}: HTTP ${response.status}${excerpt(text)}`,
      response.status,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    // A proxy's HTML error page or a cut-off body: retried, then reported.
    throw new HttpError(
      `${init.method} ${displayUrl(url)}: the answer is not JSON${excerpt(text)}`,
      response.status,
    );
  }
}

function isRetryable(error: HttpError): boolean {
  return error.status === undefined || error.status === 429 || error.status >= 500 || error.status === 200;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "";
  return ` (${flat.length > 120 ? `${flat.slice(0, 120)}…` : flat})`;
}

/** The URL without user name and password, for messages. */
export function displayUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
