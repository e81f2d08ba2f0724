// The browser's client of the HTTP API: the token in sessionStorage, errors as thrown ApiError
// carrying the API's message and the fields it names, so forms can show them next to the field.

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

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const token = sessionStorage.getItem(TOKEN);
  const res = await fetch(path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/auth/login') session.clear();
    throw new ApiError(res.status, data?.error ?? { code: 'error', message: res.statusText });
  }
  return data as T;
}
