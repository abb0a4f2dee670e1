// Bounds on the gate's GitHub API calls: each attempt has its own timeout, and all calls of one
// run share a deadline. Without them an API that never answers holds the job until undici's
// five-minute header timeout, and then reads as "HTTP 500".

export interface ApiLimits {
  /** Longest wait for one HTTP attempt (the `api-timeout` input, in seconds; default 30). */
  timeoutMs: number;
  /** Longest time all of one run's API calls may take, retries and rate-limit waits included. */
  totalMs: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = { timeoutMs: 30_000, totalMs: 120_000 };

/** The run's deadline is past: no more calls are made, and the one in flight is abandoned. */
export class ApiTimeLimit extends Error {
  override readonly name = "ApiTimeLimit";
}

/** One attempt got no complete answer in time; kept on the error so the message says so. */
export const TIMED_OUT = Symbol("timed out after (ms)");

/** The deadline shared by every call of one client; it starts with the client's first call. */
export class ApiDeadline {
  readonly #endsAt: number;
  readonly #controller = new AbortController();
  readonly #expired: Promise<never>;
  /** The per-attempt timeout of the last attempt that got no answer, for the message. */
  #lastTimeoutMs: number | undefined;

  constructor(readonly limits: ApiLimits) {
    this.#endsAt = Date.now() + limits.totalMs;
    this.#expired = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => {
        const error = this.error();
        this.#controller.abort(error);
        reject(error);
      }, limits.totalMs);
      timer.unref();
    });
    // Nobody may be waiting on it when it fires.
    this.#expired.catch(() => {});
  }

  remainingMs(): number {
    return this.#endsAt - Date.now();
  }

  error(): ApiTimeLimit {
    const last = this.#lastTimeoutMs;
    return new ApiTimeLimit(
      `the gate's time limit for GitHub API calls (${seconds(this.limits.totalMs)}) was reached${last === undefined ? "" : `; the last request got no answer within ${seconds(last)}`}`,
    );
  }

  /** `work`, or the deadline's error when the deadline comes first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.#expired]);
  }

  /**
   * An Octokit plugin that gives every HTTP attempt (each retry included) a signal that aborts at
   * the per-attempt timeout or at the deadline, whichever comes first. It must be the innermost
   * request hook, so it is registered before the retry and throttling plugins.
   */
  attemptTimeout(): (octokit: { hook: RequestHook }) => void {
    return (octokit) => {
      octokit.hook.wrap("request", async (request, options) => {
        const remaining = this.remainingMs();
        if (remaining <= 0) throw this.error();
        const ms = Math.min(this.limits.timeoutMs, remaining);
        const timeout = AbortSignal.timeout(ms);
        const signal = AbortSignal.any([timeout, this.#controller.signal]);
        // Set in place: an Octokit request hook hands its inner hooks the options object it was
        // given (they are bound to it), so a copy would not reach fetch.
        options.request = Object.assign(options.request ?? {}, { signal });
        try {
          return await request(options);
        } catch (error) {
          if (this.#controller.signal.aborted) throw this.error();
          if (timeout.aborted && error instanceof Error) {
            this.#lastTimeoutMs = ms;
            Object.assign(error, { [TIMED_OUT]: ms });
          }
          throw error;
        }
      });
    };
  }

  /**
   * Rate limits: wait once for the limit to reset when that fits before the deadline; otherwise
   * give up, and the error says it was the rate limit.
   */
  throttle() {
    const wait = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
      retryCount < 1 && retryAfter * 1000 < this.remainingMs();
    return { onRateLimit: wait, onSecondaryRateLimit: wait, id: "secflow-change-gate" };
  }
}

interface RequestOptions {
  request?: Record<string, unknown>;
  [key: string]: unknown;
}

interface RequestHook {
  wrap(
    name: "request",
    hook: (
      request: (options: RequestOptions) => Promise<unknown>,
      options: RequestOptions,
    ) => Promise<unknown>,
  ): void;
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
