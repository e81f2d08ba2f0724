// The client side of the load, written the way a careful client behaves: every write carries an
// Idempotency-Key and is sent again with the SAME key after a network error, a timeout or a 5xx
// (and while the API says the first request under that key is still running). A new intent, e.g.
// trying again after a 409 that was answered and stored, gets a new key.
import { sleep } from './processes';

export interface Reply {
  status: number;
  body: unknown;
  /** When the attempt that produced this reply was sent. */
  sentAt: number;
  replayed: boolean;
  /** Retry-After in seconds, when the API sent one. */
  retryAfter: number | null;
}

export interface ErrorBody {
  error?: { code?: string; message?: string };
}

export const errorMessage = (r: Reply): string => (r.body as ErrorBody | null)?.error?.message ?? '';

export class ApiError extends Error {}

/** Counters for the report: how often the client had to retry and why. */
export interface ClientStats {
  requests: number;
  networkErrors: number;
  serverErrors: number;
  keyStillRunning: number;
  replayed: number;
}

export class ApiClient {
  readonly stats: ClientStats = { requests: 0, networkErrors: 0, serverErrors: 0, keyStillRunning: 0, replayed: 0 };
  /** Milliseconds per write (with its retries), by action (the last path segment). */
  readonly latencies = new Map<string, number[]>();
  private next = 0;

  constructor(
    /** One base URL per API process; a failed attempt moves on to the next, as a load balancer would. */
    private readonly bases: string[],
    private readonly attemptTimeoutMs = 30_000,
    /** A request that gets no definite answer by then is a failure of the round. */
    private readonly giveUpAfterMs = 600_000,
  ) {}

  private pickBase(preferred?: number): string {
    const i = preferred ?? this.next++;
    return this.bases[i % this.bases.length]!;
  }

  /** One attempt; network errors and timeouts come back as status 0. */
  private async once(
    base: string,
    method: string,
    path: string,
    token: string | undefined,
    body: unknown,
    key?: string,
  ): Promise<Reply> {
    const sentAt = Date.now();
    this.stats.requests++;
    try {
      const res = await fetch(base + path, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.attemptTimeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text
      }
      const replayed = res.headers.get('idempotent-replayed') === 'true';
      if (replayed) this.stats.replayed++;
      const retryAfter = res.headers.get('retry-after');
      return { status: res.status, body: parsed, sentAt, replayed, retryAfter: retryAfter ? Number(retryAfter) : null };
    } catch {
      this.stats.networkErrors++;
      return { status: 0, body: null, sentAt, replayed: false, retryAfter: null };
    }
  }

  /** A read: retried on network errors and 5xx until it answers (or the give-up time). */
  async get(path: string, token: string, preferredApi?: number): Promise<Reply> {
    const started = Date.now();
    let base = this.pickBase(preferredApi);
    for (let attempt = 0; ; attempt++) {
      const r = await this.once(base, 'GET', path, token, undefined);
      if (r.status !== 0 && r.status < 500) return r;
      if (r.status >= 500) this.stats.serverErrors++;
      if (Date.now() - started > this.giveUpAfterMs) throw new ApiError(`GET ${path}: no answer (last ${r.status})`);
      await sleep(Math.min(2000, 200 * 2 ** Math.min(attempt, 4)));
      base = this.pickBase();
    }
  }

  /**
   * A write under one Idempotency-Key: sent again with the same key until the API gives a
   * definite answer (2xx or a 4xx other than "still running under this key").
   */
  async write(method: string, path: string, token: string, body: unknown, key: string, preferredApi?: number) {
    const started = Date.now();
    let base = this.pickBase(preferredApi);
    for (let attempt = 0; ; attempt++) {
      const r = await this.once(base, method, path, token, body, key);
      if (r.status !== 0 && r.status < 300) {
        const action = path.split('/').pop()!;
        this.latencies.set(action, [...(this.latencies.get(action) ?? []), Date.now() - started]);
      }
      let wait = Math.min(2000, 200 * 2 ** Math.min(attempt, 4));
      if (r.status !== 0 && r.status < 500 && r.status !== 409) return r;
      if (r.status === 409) {
        const message = errorMessage(r);
        // "a request with this Idempotency-Key is still running", "... was lost; send it again":
        // no answer yet under this key (the API says so with Retry-After). Anything else (a state
        // conflict, a key reused for another request) is definite.
        const keyPending = /Idempotency-Key/.test(message) && !/different request/.test(message);
        if (!keyPending && r.retryAfter === null) return r;
        this.stats.keyStillRunning++;
        wait = 1000;
      } else if (r.status >= 500) {
        this.stats.serverErrors++;
      }
      if (Date.now() - started > this.giveUpAfterMs) {
        throw new ApiError(`${method} ${path} (key ${key}): no definite answer in ${this.giveUpAfterMs / 1000} s`);
      }
      await sleep(wait);
      if (r.status === 0 || r.status >= 500) base = this.pickBase();
    }
  }

  async login(username: string, password: string): Promise<string> {
    const started = Date.now();
    for (;;) {
      const r = await this.once(this.pickBase(0), 'POST', '/api/auth/login', undefined, { username, password });
      if (r.status === 200) return (r.body as { token: string }).token;
      if (r.status !== 0 && r.status < 500)
        throw new ApiError(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      if (Date.now() - started > 60_000) throw new ApiError(`login ${username}: no answer`);
      await sleep(500);
    }
  }

  async healthy(base: string): Promise<boolean> {
    try {
      const res = await fetch(base + '/healthz', { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** "accept p50 120 ms, p95 900 ms; …" for the report. */
  latencySummary(): string {
    const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
    return [...this.latencies]
      .map(([action, xs]) => {
        const sorted = [...xs].sort((a, b) => a - b);
        return `${action} p50 ${pct(sorted, 50)} ms, p95 ${pct(sorted, 95)} ms, max ${sorted[sorted.length - 1]} ms`;
      })
      .join('; ');
  }

  get apiBases(): readonly string[] {
    return this.bases;
  }
}
