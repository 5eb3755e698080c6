import type { RuleIssue } from './types';

/** An API error as the UI shows it: the status, the stable code, the message and the field at fault. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly issues?: RuleIssue[],
    readonly requestId?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'tracehound.session';

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token: string | null) {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** Called when the API says the session is no longer valid (expired, revoked, user disabled). */
let onExpired: () => void = () => undefined;
export function onSessionExpired(f: () => void): void {
  onExpired = f;
}

type Query = Record<string, string | number | undefined | null | Array<string | number>>;

export function queryString(q: Query = {}): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    for (const x of Array.isArray(v) ? v : [v]) sp.append(k, String(x));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** Turns a failed response (JSON error body or not) into an ApiError that always has a readable message. */
async function failure(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let body: { error?: string; message?: string; field?: string; issues?: RuleIssue[]; requestId?: string } = {};
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: a proxy page, an empty body */
  }
  const fallback = res.status >= 500 ? `the server failed (${res.status})` : `request failed (${res.status})`;
  const message = body.message ?? (text && text.length < 300 && !text.startsWith('<') ? text : fallback);
  return new ApiError(res.status, body.error ?? `HTTP_${res.status}`, message, body.field, body.issues, body.requestId);
}

export async function api<T>(method: string, path: string, o: { query?: Query; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = session.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${queryString(o.query)}`, {
      method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}), ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached; check your connection and retry');
  }
  if (!res.ok) {
    const e = await failure(res);
    if (res.status === 401 && token && path !== '/auth/login') onExpired();
    throw e;
  }
  return (await res.json()) as T;
}

export const get = <T>(path: string, query?: Query, signal?: AbortSignal) => api<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) });
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, { body });
