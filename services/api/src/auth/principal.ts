import { TracehoundError } from '@tracehound/errors';

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: a user, through a session (login) or an API token. */
export interface Principal {
  username: string;
  role: Role;
  allNamespaces: boolean;
  namespaces: string[];
  auth: 'session' | 'token';
  tokenId: string;
}

/**
 * What each role may do. Reading is scoped by namespace for everyone; changing alert state and
 * rules needs an analyst; users and other people's tokens need an admin. Rules apply to every
 * namespace, so changing them also needs a scope of all namespaces.
 */
export const PERMISSIONS = {
  read: ['viewer', 'analyst', 'admin'],
  'alerts:write': ['analyst', 'admin'],
  'rules:write': ['analyst', 'admin'],
  'rules:backtest': ['analyst', 'admin'],
  'users:admin': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(p: Principal, perm: Permission): boolean {
  if (!(PERMISSIONS[perm] as readonly Role[]).includes(p.role)) return false;
  if (perm === 'rules:write' && !p.allNamespaces) return false;
  return true;
}

export function requirePermission(p: Principal | undefined, perm: Permission): Principal {
  if (!p) throw new TracehoundError('TH_ERR_UNAUTHENTICATED', 'authentication required');
  if (!can(p, perm)) throw new TracehoundError('TH_ERR_FORBIDDEN', `${p.role}${perm === 'rules:write' && p.role !== 'viewer' ? ' with a namespace scope' : ''} may not ${perm.replace(':', ' ')}`);
  return p;
}

/**
 * The namespace restriction every query carries: a SQL condition on `column` with its bound
 * parameter. A scope of all namespaces is no condition; an empty list matches nothing.
 */
export function scopeCondition(p: Principal, column = 'namespace'): { sql: string; params: Record<string, unknown> } {
  if (p.allNamespaces) return { sql: '1', params: {} };
  return { sql: `${column} IN {scope_namespaces:Array(String)}`, params: { scope_namespaces: p.namespaces } };
}

export function inScope(p: Principal, namespace: string): boolean {
  return p.allNamespaces || p.namespaces.includes(namespace);
}
