import { errorMessage } from '@tracehound/errors';
import type { Route, RouteDocJson } from './model.js';
import { checkRoute, type RouteIssue } from './validate.js';

export interface RouteError {
  key: string;
  at: string;
  reason: string;
  issues: RouteIssue[];
}

/**
 * The routes in force, built from the records of the compacted routes topic in order. A record
 * that is not a valid route is refused with its reasons (kept per key until a later record for
 * the key is accepted) and the route keeps its previous version, as the detector does with rules.
 */
export class RouteStore {
  readonly routes = new Map<string, Route>();
  readonly docs = new Map<string, RouteDocJson>();
  private readonly refused = new Map<string, RouteError>();

  apply(key: string, value: string | null, at: string): { ok: true; route: Route | null } | { ok: false; error: RouteError } {
    if (value === null) {
      this.routes.delete(key);
      this.docs.delete(key);
      this.refused.delete(key);
      return { ok: true, route: null };
    }
    let doc: unknown;
    try {
      doc = JSON.parse(value);
    } catch (err) {
      return this.refuse({ key, at, reason: `not JSON: ${errorMessage(err)}`, issues: [] });
    }
    const r = checkRoute(doc);
    if (!r.ok) return this.refuse({ key, at, reason: r.issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues: r.issues });
    if (r.route.id !== key) return this.refuse({ key, at, reason: `key "${key}" differs from the route id "${r.route.id}"`, issues: [{ path: '/id', message: 'must equal the record key' }] });
    this.routes.set(key, r.route);
    this.docs.set(key, r.doc);
    this.refused.delete(key);
    return { ok: true, route: r.route };
  }

  errors(): RouteError[] {
    return [...this.refused.values()];
  }

  private refuse(e: RouteError): { ok: false; error: RouteError } {
    this.refused.set(e.key, e);
    return { ok: false, error: e };
  }
}
