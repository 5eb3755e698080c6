import { API_TOKENS, USERS, clickHouseToMs, insertRows, msToClickHouse, qualified, selectRows, type ClickHouseLike } from '@tracehound/clickhouse';
import type { Role } from '../auth/principal.js';
import type { TokenKind } from '../auth/tokens.js';

export interface UserRecord {
  username: string;
  password_hash: string;
  role: Role;
  all_namespaces: boolean;
  namespaces: string[];
  disabled: boolean;
  created_at: number;
  updated_at: number;
}

export interface TokenRecord {
  token_hash: string;
  id: string;
  kind: TokenKind;
  username: string;
  name: string;
  created_at: number;
  expires_at: number;
  revoked: boolean;
  updated_at: number;
}

/** Users and tokens in ClickHouse (ReplacingMergeTree: a change is a newer row; reads use FINAL). */
export class UsersStore {
  constructor(private readonly ch: ClickHouseLike, private readonly database: string) {}

  private t(name: string) {
    return qualified({ database: this.database }, name);
  }

  private static user(r: Record<string, unknown>): UserRecord {
    return { ...(r as unknown as UserRecord), created_at: clickHouseToMs(String(r.created_at)), updated_at: clickHouseToMs(String(r.updated_at)) };
  }

  private static token(r: Record<string, unknown>): TokenRecord {
    return { ...(r as unknown as TokenRecord), created_at: clickHouseToMs(String(r.created_at)), expires_at: clickHouseToMs(String(r.expires_at)), updated_at: clickHouseToMs(String(r.updated_at)) };
  }

  async countUsers(): Promise<number> {
    const [r] = await selectRows<{ n: string }>(this.ch, `SELECT count() AS n FROM ${this.t(USERS.name)} FINAL`);
    return Number(r?.n ?? 0);
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    const rows = await selectRows<Record<string, unknown>>(this.ch, `SELECT * FROM ${this.t(USERS.name)} FINAL WHERE username = {u:String}`, { u: username });
    return rows[0] ? UsersStore.user(rows[0]) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await selectRows<Record<string, unknown>>(this.ch, `SELECT * FROM ${this.t(USERS.name)} FINAL ORDER BY username LIMIT 10000`)).map(UsersStore.user);
  }

  /**
   * With a deduplication `token`, of several inserts with the same token (API instances starting
   * together) the engine keeps the first and drops the others.
   */
  async putUser(u: UserRecord, token?: string): Promise<void> {
    // Versions must grow even when two writes land in the same millisecond.
    await insertRows(this.ch, this.database, USERS, [{ ...u, created_at: msToClickHouse(u.created_at), updated_at: msToClickHouse(Math.max(u.updated_at, Date.now())) }], token ? { token } : {});
  }

  async putToken(t: TokenRecord): Promise<void> {
    await insertRows(this.ch, this.database, API_TOKENS, [{ ...t, created_at: msToClickHouse(t.created_at), expires_at: msToClickHouse(t.expires_at), updated_at: msToClickHouse(Math.max(t.updated_at, Date.now())) }]);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const rows = await selectRows<Record<string, unknown>>(this.ch, `SELECT * FROM ${this.t(API_TOKENS.name)} FINAL WHERE token_hash = {h:String}`, { h: hash });
    return rows[0] ? UsersStore.token(rows[0]) : undefined;
  }

  async tokenById(id: string): Promise<TokenRecord | undefined> {
    const rows = await selectRows<Record<string, unknown>>(this.ch, `SELECT * FROM ${this.t(API_TOKENS.name)} FINAL WHERE id = {id:String}`, { id });
    return rows[0] ? UsersStore.token(rows[0]) : undefined;
  }

  async listApiTokens(username: string | undefined): Promise<TokenRecord[]> {
    const rows = await selectRows<Record<string, unknown>>(
      this.ch,
      `SELECT * FROM ${this.t(API_TOKENS.name)} FINAL WHERE kind = 'api' AND ({u:String} = '' OR username = {u:String}) ORDER BY created_at LIMIT 10000`,
      { u: username ?? '' },
    );
    return rows.map(UsersStore.token);
  }
}
