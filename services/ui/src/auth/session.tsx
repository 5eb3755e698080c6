import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, get, onSessionExpired, post, session } from '../api/client';
import { PERMISSIONS, type Permission } from '@tracehound/api/permissions';
import type { LoginReply, Me, Role } from '../api/types';

export interface Session {
  me: Me | null;
  /** Why the user sees the login form: an expired session, a logout. */
  notice: string | null;
  checking: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const Ctx = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [me, setMe] = useState<Me | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [checking, setChecking] = useState(Boolean(session.token));

  const end = useCallback((why: string | null) => {
    session.set(null);
    setMe(null);
    setNotice(why);
    qc.clear();
  }, [qc]);

  useEffect(() => {
    onSessionExpired(() => end('Your session has expired or was revoked. Sign in again to continue.'));
    if (!session.token) return;
    get<Me>('/auth/me')
      .then(setMe)
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) end('Your session has expired. Sign in again to continue.');
        else setNotice(e instanceof Error ? e.message : String(e));
      })
      .finally(() => setChecking(false));
  }, [end]);

  const value = useMemo<Session>(() => ({
    me, notice, checking,
    async login(username, password) {
      const r = await post<LoginReply>('/auth/login', { username, password });
      session.set(r.token);
      setNotice(null);
      setMe(await get<Me>('/auth/me'));
    },
    async logout() {
      await post('/auth/logout').catch(() => undefined);
      end('You have signed out.');
    },
  }), [me, notice, checking, end]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export type { Permission };

export function can(me: Me | null, perm: Permission): boolean {
  if (!me || !(PERMISSIONS[perm] as readonly Role[]).includes(me.role)) return false;
  return perm !== 'rules:write' || me.namespaces === '*';
}

export function useCan(perm: Permission): boolean {
  return can(useSession().me, perm);
}
