import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function Loading({ what }: { what: string }) {
  return <div className="state state-loading" role="status" aria-live="polite"><span className="spinner" aria-hidden="true" />Loading {what}…</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty" role="status">{children}</div>;
}

/** An error as a person can read it: the API's message, the field at fault, the request id to quote. */
export function ErrorBox({ error, retry, title = 'Something went wrong' }: { error: unknown; retry?: () => void; title?: string }) {
  const e = error instanceof ApiError ? error : null;
  const message = e ? e.message : error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <strong>{e?.status === 403 ? 'Not allowed' : e?.status === 404 ? 'Not found' : title}</strong>
      <p className="clip-text">{message}</p>
      {e?.field && <p>Field: <code>{e.field}</code></p>}
      {e?.requestId && <p className="muted">Request id <code>{e.requestId}</code></p>}
      {retry && <button type="button" onClick={retry}>Retry</button>}
    </div>
  );
}

/** Loading / error / empty / content for one query, the same way everywhere. */
export function QueryState<T>({ q, what, empty, children }: {
  q: { isPending: boolean; error: unknown; data: T | undefined; refetch: () => unknown };
  what: string;
  empty?: (d: T) => ReactNode | false;
  children: (d: T) => ReactNode;
}) {
  if (q.isPending) return <Loading what={what} />;
  if (q.error) return <ErrorBox error={q.error} retry={() => void q.refetch()} title={`Could not load ${what}`} />;
  const e = empty?.(q.data as T);
  if (e) return <Empty>{e}</Empty>;
  return <>{children(q.data as T)}</>;
}
