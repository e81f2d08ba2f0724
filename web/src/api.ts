// The browser's client of the HTTP API: the token in sessionStorage, errors as thrown ApiError
// carrying the API's message and the fields it names, so forms can show them next to the field.
// Every change a signed-in user submits carries an Idempotency-Key, so a retried submission is
// done by the server at most once.

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Array<{ field: string; message: string }>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
  /** The message for one field (e.g. "body.investor.creditCode"), if the API named it. */
  field(name: string): string | undefined {
    return this.body.details?.find((d) => d.field === name)?.message;
  }
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: 'officer' | 'staff' | 'supervisor' | 'cashier' | 'admin';
  departmentCode: string | null;
}

const TOKEN = 'ja.token';
const USER = 'ja.user';

export const session = {
  get user(): User | null {
    const raw = sessionStorage.getItem(USER);
    return raw ? (JSON.parse(raw) as User) : null;
  },
  set(token: string, user: User) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(USER, JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(USER);
  },
};

/**
 * The Idempotency-Key of each submission still without a definite answer (the network failed, the
 * server answered 5xx, or asked to retry shortly), by what it sends. Sending the same thing again is
 * a retry of that submission and reuses its key; a definite answer (2xx, another 4xx) ends the
 * submission, and the next one gets a new key.
 */
const unsettled = new Map<string, string>();

/** 128 random bits; crypto.getRandomValues also works on plain http inside the center's network. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const retryable = (res: Response) => res.status >= 500 || (res.status === 409 && res.headers.has('Retry-After'));

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const token = sessionStorage.getItem(TOKEN);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  // The server keeps keys per signed-in user; anonymous requests (sign-in) go without one.
  const submission = token && method !== 'GET' ? `${method} ${path}\n${payload ?? ''}` : undefined;
  let key: string | undefined;
  if (submission) {
    key = unsettled.get(submission) ?? newIdempotencyKey();
    unsettled.set(submission, key);
  }
  // A network failure throws here and keeps the key: the request may or may not have been done.
  const res = await fetch(path, {
    method,
    headers: {
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(key ? { 'Idempotency-Key': key } : {}),
    },
    body: payload,
  });
  if (submission && !retryable(res)) unsettled.delete(submission);
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/auth/login') session.clear();
    throw new ApiError(res.status, data?.error ?? { code: 'error', message: res.statusText });
  }
  return data as T;
}
