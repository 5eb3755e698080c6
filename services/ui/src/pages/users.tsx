import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get, post } from '../api/client';
import type { Role, Scope, TokenInfo, User } from '../api/types';
import { ErrorBox, QueryState } from '../components/states';
import { formatTime } from '../lib/time-range';
import { splitList } from '../lib/url-filters';

const ROLES: Role[] = ['viewer', 'analyst', 'admin'];
const scopeOf = (s: string): Scope => (s.trim() === '*' ? '*' : splitList(s));
const scopeText = (s: Scope) => (s === '*' ? 'all namespaces' : s.length ? s.join(', ') : 'none');

export default function Users() {
  return (
    <div className="page">
      <div className="page-head"><h1>Users and API tokens</h1></div>
      <div className="grid-2">
        <UsersPanel />
        <TokensPanel />
      </div>
    </div>
  );
}

function UsersPanel() {
  const qc = useQueryClient();
  const users = useQuery({ queryKey: ['users'], queryFn: ({ signal }) => get<{ items: User[] }>('/users', undefined, signal) });
  const [form, setForm] = useState({ username: '', password: '', role: 'viewer' as Role, namespaces: '' });
  const create = useMutation({
    mutationFn: () => post<User>('/users', { username: form.username, password: form.password, role: form.role, namespaces: scopeOf(form.namespaces) }),
    onSuccess: () => {
      setForm({ username: '', password: '', role: 'viewer', namespaces: '' });
      void qc.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const change = useMutation({
    mutationFn: ({ username, body }: { username: string; body: Record<string, unknown> }) => api<User>('PATCH', `/users/${encodeURIComponent(username)}`, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['users'] }),
  });
  const [reset, setReset] = useState<{ username: string; password: string } | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <QueryState q={users} what="users" empty={(d) => d.items.length === 0 && 'No users.'}>
        {(d) => (
          <div className="table-wrap">
            <table className="data">
              <caption className="sr-only">Users</caption>
              <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Namespaces</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
              <tbody>
                {d.items.map((u) => (
                  <tr key={u.username}>
                    <th scope="row" className="cell-text">{u.username}</th>
                    <td>
                      <select aria-label={`Role of ${u.username}`} value={u.role} onChange={(e) => change.mutate({ username: u.username, body: { role: e.target.value } })}>
                        {ROLES.map((r) => <option key={r}>{r}</option>)}
                      </select>
                    </td>
                    <td className="cell-text" title={scopeText(u.namespaces)}>{scopeText(u.namespaces)}</td>
                    <td>{u.disabled ? <span className="bad">disabled</span> : 'active'}</td>
                    <td className="button-row">
                      <button type="button" onClick={() => setReset({ username: u.username, password: '' })}>Reset password</button>
                      <button type="button" onClick={() => change.mutate({ username: u.username, body: { disabled: !u.disabled } })}>{u.disabled ? 'Enable' : 'Disable'}</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      {change.error && <ErrorBox error={change.error} title="The change was refused" />}
      {reset && (
        <form className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          change.mutate({ username: reset.username, body: { password: reset.password } }, { onSuccess: () => setReset(null) });
        }} aria-label={`New password for ${reset.username}`}>
          <label>New password for {reset.username} <input type="password" autoComplete="new-password" minLength={12} required value={reset.password} onChange={(e) => setReset({ ...reset, password: e.target.value })} /></label>
          <button type="submit" className="primary">Set password</button>
          <button type="button" onClick={() => setReset(null)}>Cancel</button>
        </form>
      )}
      <h3>New user</h3>
      <form className="stack-form" onSubmit={submit} aria-label="New user">
        <label>User name <input required pattern="[A-Za-z0-9._@\-]{1,64}" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} /></label>
        <label>Password (12 characters or more) <input type="password" autoComplete="new-password" required minLength={12} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} /></label>
        <label>Role <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
        <label>Namespaces (* for all, or a comma-separated list) <input required value={form.namespaces} onChange={(e) => setForm({ ...form, namespaces: e.target.value })} placeholder="shop, billing" /></label>
        {create.error && <ErrorBox error={create.error} title="The user was not created" />}
        <button type="submit" className="primary" disabled={create.isPending}>Create user</button>
      </form>
    </section>
  );
}

function TokensPanel() {
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: ({ signal }) => get<{ items: TokenInfo[] }>('/tokens', undefined, signal) });
  const [form, setForm] = useState({ name: '', username: '', ttlDays: '' });
  const [shown, setShown] = useState<{ token: string; name: string } | null>(null);
  const create = useMutation({
    mutationFn: () => post<{ token: string; info: TokenInfo }>('/tokens', { name: form.name, ...(form.username ? { username: form.username } : {}), ...(form.ttlDays ? { ttlDays: Number(form.ttlDays) } : {}) }),
    onSuccess: (r) => {
      setShown({ token: r.token, name: r.info.name });
      setForm({ name: '', username: '', ttlDays: '' });
      void qc.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api('DELETE', `/tokens/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['tokens'] }),
  });
  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      {shown && (
        <div className="notice good" role="alert">
          <p>Token “{shown.name}” — copy it now; it is shown only once:</p>
          <code className="token clip-text" data-testid="new-token">{shown.token}</code>
          <div className="button-row">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(shown.token)}>Copy</button>
            <button type="button" onClick={() => setShown(null)}>I have stored it</button>
          </div>
        </div>
      )}
      <QueryState q={tokens} what="tokens" empty={(d) => d.items.length === 0 && 'No API tokens yet.'}>
        {(d) => (
          <div className="table-wrap">
            <table className="data">
              <caption className="sr-only">API tokens</caption>
              <thead><tr><th scope="col">Name</th><th scope="col">User</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col" /></tr></thead>
              <tbody>
                {d.items.map((t) => (
                  <tr key={t.id}>
                    <th scope="row" className="cell-text">{t.name}</th><td>{t.username}</td><td>{formatTime(t.createdAt)}</td><td>{t.expiresAt ? formatTime(t.expiresAt) : 'never'}</td>
                    <td>{t.revoked ? <span className="muted">revoked</span> : <button type="button" onClick={() => revoke.mutate(t.id)} aria-label={`Revoke token ${t.name}`}>Revoke</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      {revoke.error && <ErrorBox error={revoke.error} title="Could not revoke" />}
      <h3>New token</h3>
      <form className="stack-form" aria-label="New API token" onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}>
        <label>Name <input required maxLength={128} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="siem-export" /></label>
        <label>For user (empty: yourself) <input value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} /></label>
        <label>Valid for days (empty: no expiry) <input inputMode="numeric" pattern="[0-9]*" value={form.ttlDays} onChange={(e) => setForm({ ...form, ttlDays: e.target.value })} /></label>
        {create.error && <ErrorBox error={create.error} title="The token was not created" />}
        <button type="submit" className="primary" disabled={create.isPending}>Create token</button>
      </form>
    </section>
  );
}
