import { createHash } from 'node:crypto';
import { TracehoundError } from '@tracehound/errors';
import type { TokenRecord, UserRecord, UsersStore } from '../adapters/users-store.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import { can, type Principal, type Role } from './principal.js';
import { hashToken, looksLikeToken, newToken, type TokenKind } from './tokens.js';

const FOREVER = Date.parse('2299-12-31T00:00:00Z');

/** What the first-start check did: nothing (users exist), created the admin, or found another instance's admin kept. */
export type FirstAdmin = { outcome: 'exists' } | { outcome: 'created'; generatedPassword?: string } | { outcome: 'created elsewhere' };

/** The one deduplication token of the first admin's insert (token characters only: the name is hashed). */
const firstAdminToken = (username: string): string => `first-admin.${createHash('sha256').update(username).digest('hex').slice(0, 32)}`;
const CACHE_MS = 5_000;

/** The stored record of a new user (role viewer and no namespaces unless given). */
async function newUser(input: UserInput & { password: string }): Promise<UserRecord> {
  const now = Date.now();
  return {
    username: input.username, password_hash: await hashPassword(input.password), role: input.role ?? 'viewer',
    all_namespaces: input.namespaces === '*', namespaces: input.namespaces === '*' ? [] : (input.namespaces ?? []), disabled: input.disabled ?? false,
    created_at: now, updated_at: now,
  };
}

export interface UserInput {
  username: string;
  password?: string;
  role?: Role;
  /** '*' for all namespaces, or a list. */
  namespaces?: '*' | string[];
  disabled?: boolean;
}

export interface UserView {
  username: string;
  role: Role;
  namespaces: '*' | string[];
  disabled: boolean;
  createdAt: string;
}

export interface TokenView {
  id: string;
  name: string;
  username: string;
  createdAt: string;
  expiresAt: string | null;
  revoked: boolean;
}

export const userView = (u: UserRecord): UserView => ({
  username: u.username, role: u.role, namespaces: u.all_namespaces ? '*' : u.namespaces, disabled: u.disabled, createdAt: new Date(u.created_at).toISOString(),
});
const tokenView = (t: TokenRecord): TokenView => ({
  id: t.id, name: t.name, username: t.username, createdAt: new Date(t.created_at).toISOString(), expiresAt: t.expires_at >= FOREVER ? null : new Date(t.expires_at).toISOString(), revoked: t.revoked,
});

const unauthenticated = () => new TracehoundError('TH_ERR_UNAUTHENTICATED', 'missing, unknown, expired or revoked token');

/**
 * Users, sessions and API tokens. Knows no HTTP: routes call it with plain values. Tokens are
 * looked up by their SHA-256; a short cache spares ClickHouse a query per request, and a revoke
 * or user change in this process clears it at once (other API instances follow within 5 s).
 */
export class AuthService {
  private readonly cache = new Map<string, { p: Principal; expires: number; until: number }>();

  constructor(private readonly store: UsersStore, private readonly sessionTtlMs: number) {}

  /**
   * At first start (no users at all) creates the admin, with `password` (from a file, say a
   * Secret) or a generated one. Safe when several API instances start together on an empty
   * database: each inserts the admin with the same deduplication token, the engine keeps only
   * the first insert, and each instance reads back which row was kept. Only the instance whose
   * row was kept reports a generated password, so a password that does not work is never shown.
   */
  async ensureFirstAdmin(username: string, password?: string): Promise<FirstAdmin> {
    if ((await this.store.countUsers()) > 0) return { outcome: 'exists' };
    const chosen = password ?? generatePassword();
    const row = await newUser({ username, password: chosen, role: 'admin', namespaces: '*' });
    await this.store.putUser(row, firstAdminToken(username));
    const kept = await this.store.getUser(username);
    if (kept?.password_hash !== row.password_hash) return { outcome: 'created elsewhere' };
    return password === undefined ? { outcome: 'created', generatedPassword: chosen } : { outcome: 'created' };
  }

  async createUser(input: UserInput): Promise<UserView> {
    if (await this.store.getUser(input.username)) throw new TracehoundError('TH_ERR_CONFLICT', `user ${input.username} exists`);
    if (!input.password) throw new TracehoundError('TH_ERR_INVALID_INPUT', 'password is required', { details: { field: 'password' } });
    const u = await newUser({ ...input, password: input.password });
    await this.store.putUser(u);
    return userView(u);
  }

  async updateUser(input: UserInput): Promise<UserView> {
    const u = await this.store.getUser(input.username);
    if (!u) throw new TracehoundError('TH_ERR_NOT_FOUND', `no user ${input.username}`);
    const next: UserRecord = {
      ...u,
      ...(input.password ? { password_hash: await hashPassword(input.password) } : {}),
      ...(input.role ? { role: input.role } : {}),
      ...(input.namespaces ? { all_namespaces: input.namespaces === '*', namespaces: input.namespaces === '*' ? [] : input.namespaces } : {}),
      ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
      updated_at: Date.now(),
    };
    await this.store.putUser(next);
    this.forgetUser(u.username);
    return userView(next);
  }

  async listUsers(): Promise<UserView[]> {
    return (await this.store.listUsers()).map(userView);
  }

  async login(username: string, password: string): Promise<{ token: string; expiresAt: string; user: UserView }> {
    const u = await this.store.getUser(username);
    const ok = await verifyPassword(password, u?.password_hash);
    if (!u || !ok || u.disabled) throw new TracehoundError('TH_ERR_UNAUTHENTICATED', 'wrong user name or password');
    const { token, hash, id } = newToken('session');
    const now = Date.now();
    const expires = now + this.sessionTtlMs;
    await this.store.putToken({ token_hash: hash, id, kind: 'session', username, name: 'login', created_at: now, expires_at: expires, revoked: false, updated_at: now });
    return { token, expiresAt: new Date(expires).toISOString(), user: userView(u) };
  }

  /** The principal behind a bearer token; TH_ERR_UNAUTHENTICATED for anything else. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token || !looksLikeToken(token)) throw unauthenticated();
    const hash = hashToken(token);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) {
      if (hit.expires <= now) throw unauthenticated();
      return hit.p;
    }
    const t = await this.store.tokenByHash(hash);
    if (!t || t.revoked || t.expires_at <= now) throw unauthenticated();
    const u = await this.store.getUser(t.username);
    if (!u || u.disabled) throw unauthenticated();
    const p: Principal = { username: u.username, role: u.role, allNamespaces: u.all_namespaces, namespaces: u.namespaces, auth: t.kind === 'session' ? 'session' : 'token', tokenId: t.id };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { p, expires: t.expires_at, until: now + CACHE_MS });
    return p;
  }

  async logout(p: Principal): Promise<void> {
    await this.revoke(p, p.tokenId, 'session');
  }

  async createApiToken(p: Principal, name: string, forUser?: string, ttlDays?: number): Promise<{ token: string; view: TokenView }> {
    const username = forUser ?? p.username;
    if (username !== p.username && !can(p, 'users:admin')) throw new TracehoundError('TH_ERR_FORBIDDEN', 'only an admin may create tokens for another user');
    if (!(await this.store.getUser(username))) throw new TracehoundError('TH_ERR_NOT_FOUND', `no user ${username}`);
    const { token, hash, id } = newToken('api');
    const now = Date.now();
    const rec: TokenRecord = { token_hash: hash, id, kind: 'api', username, name, created_at: now, expires_at: ttlDays ? now + ttlDays * 86_400_000 : FOREVER, revoked: false, updated_at: now };
    await this.store.putToken(rec);
    return { token, view: tokenView(rec) };
  }

  async listApiTokens(p: Principal): Promise<TokenView[]> {
    return (await this.store.listApiTokens(can(p, 'users:admin') ? undefined : p.username)).map(tokenView);
  }

  async revoke(p: Principal, id: string, kind: TokenKind = 'api'): Promise<void> {
    const t = await this.store.tokenById(id);
    // Someone else's token is "not found" to a non-admin: no hint that it exists.
    if (!t || t.kind !== kind || (t.username !== p.username && !can(p, 'users:admin'))) throw new TracehoundError('TH_ERR_NOT_FOUND', `no token ${id}`);
    await this.store.putToken({ ...t, revoked: true, updated_at: Date.now() });
    this.cache.delete(t.token_hash);
  }

  private forgetUser(username: string): void {
    for (const [k, v] of this.cache) if (v.p.username === username) this.cache.delete(k);
  }
}
