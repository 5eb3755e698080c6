import { Value } from '@sinclair/typebox/value';
import { SEVERITY_SYMBOLS } from '@tracehound/schemas';
import { OUTPUT_KINDS } from '../outputs/index.js';
import { DEFAULT_BODY, DEFAULT_RETRY, DEFAULT_TITLE, RouteDoc, type Route, type RouteDocJson } from './model.js';
import { templateErrors } from './template.js';

/** One problem of a route document: where (JSON pointer) and what. */
export interface RouteIssue {
  path: string;
  message: string;
}

export type RouteCheck = { ok: true; route: Route; doc: RouteDocJson } | { ok: false; issues: RouteIssue[] };

const schemaIssues = (schema: Parameters<typeof Value.Errors>[0], value: unknown, prefix: string): RouteIssue[] =>
  [...Value.Errors(schema, value)].slice(0, 20).map((e) => ({ path: `${prefix}${e.path}` || '/', message: e.message }));

/**
 * Checks a route document completely (structure, output kind and its settings, templates) and
 * returns every problem, or the route with its defaults: the API refuses a bad route with these
 * issues, and the notifier refuses a bad record on the topic the same way and keeps the rest.
 */
export function checkRoute(input: unknown): RouteCheck {
  const issues = schemaIssues(RouteDoc, input, '');
  if (issues.length) return { ok: false, issues };
  const doc = input as RouteDocJson;
  const kind = OUTPUT_KINDS.get(doc.output.kind);
  if (!kind) issues.push({ path: '/output/kind', message: `unknown output kind "${doc.output.kind}" (known: ${[...OUTPUT_KINDS.keys()].join(', ')})` });
  else issues.push(...schemaIssues(kind.settings, doc.output.settings, '/output/settings'));
  for (const part of ['title', 'body'] as const) {
    const text = doc.template?.[part];
    if (text) for (const message of templateErrors(text)) issues.push({ path: `/template/${part}`, message });
  }
  const r = doc.retry ?? {};
  if ((r.initial_delay_ms ?? DEFAULT_RETRY.initialDelayMs) > (r.max_delay_ms ?? DEFAULT_RETRY.maxDelayMs)) issues.push({ path: '/retry/initial_delay_ms', message: 'must not exceed max_delay_ms' });
  if (issues.length) return { ok: false, issues };
  const f = doc.filter ?? {};
  const set = (xs: string[] | undefined) => (xs && xs.length ? new Set(xs) : null);
  return {
    ok: true,
    doc,
    route: {
      id: doc.id,
      name: doc.name,
      enabled: doc.enabled ?? true,
      version: doc.version ?? 1,
      kind: doc.output.kind,
      settings: Value.Default(kind!.settings, structuredClone(doc.output.settings)) as Record<string, unknown>,
      filter: { minSeverity: SEVERITY_SYMBOLS.indexOf(f.min_severity ?? 'info'), tags: set(f.tags), namespaces: set(f.namespaces), rules: set(f.rules) },
      title: doc.template?.title ?? DEFAULT_TITLE,
      body: doc.template?.body ?? DEFAULT_BODY,
      group: doc.group ? { windowMs: doc.group.window_ms, maxAlerts: doc.group.max_alerts ?? 100 } : null,
      perMinute: doc.rate_limit?.per_minute ?? null,
      retry: {
        initialDelayMs: r.initial_delay_ms ?? DEFAULT_RETRY.initialDelayMs,
        maxDelayMs: r.max_delay_ms ?? DEFAULT_RETRY.maxDelayMs,
        deadlineMs: r.deadline_ms ?? DEFAULT_RETRY.deadlineMs,
        failingAfter: r.failing_after ?? DEFAULT_RETRY.failingAfter,
      },
      timeoutMs: doc.timeout_ms ?? 10_000,
      maxBacklog: doc.max_backlog ?? 10_000,
    },
  };
}

/** The document with secret settings (webhook secret, SMTP password, webhook URLs with tokens) masked, for showing. */
export function redactRoute(doc: RouteDocJson): RouteDocJson {
  const kind = OUTPUT_KINDS.get(doc.output.kind);
  const settings = { ...doc.output.settings };
  for (const k of kind?.secrets ?? []) if (settings[k] !== undefined) settings[k] = '********';
  return { ...doc, output: { ...doc.output, settings } };
}

/** The secret settings a client left masked keep their stored values. */
export function keepSecrets(next: RouteDocJson, prev: RouteDocJson | undefined): RouteDocJson {
  if (!prev || prev.output.kind !== next.output.kind) return next;
  const kind = OUTPUT_KINDS.get(next.output.kind);
  const settings = { ...next.output.settings };
  for (const k of kind?.secrets ?? []) if (settings[k] === '********') settings[k] = prev.output.settings[k];
  return { ...next, output: { ...next.output, settings } };
}
