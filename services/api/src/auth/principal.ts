import { TracehoundError } from '@tracehound/errors';
import { PERMISSIONS, type Permission, type Role } from './permissions.js';

export { ROLES, PERMISSIONS, type Permission, type Role } from './permissions.js';

/** Who is calling: a user, through a session (login) or an API token. */
export interface Principal {
  username: string;
  role: Role;
  allNamespaces: boolean;
  namespaces: string[];
  auth: 'session' | 'token';
  tokenId: string;
}

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
