// Imports nothing: the web UI bundles this module to show only the controls a role may use.
export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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
