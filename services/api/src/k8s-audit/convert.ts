import type { Event } from '@tracehound/schemas';

/** What the API server sends for one audit event (audit.k8s.io/v1 Event), the parts Tracehound keeps. */
export interface AuditItem {
  auditID?: unknown;
  stage?: unknown;
  level?: unknown;
  verb?: unknown;
  requestURI?: unknown;
  user?: { username?: unknown; uid?: unknown; groups?: unknown };
  impersonatedUser?: { username?: unknown } | null;
  sourceIPs?: unknown;
  userAgent?: unknown;
  objectRef?: { resource?: unknown; subresource?: unknown; namespace?: unknown; name?: unknown; apiGroup?: unknown; apiVersion?: unknown } | null;
  responseStatus?: { code?: unknown } | null;
  requestObject?: unknown;
  requestReceivedTimestamp?: unknown;
  stageTimestamp?: unknown;
  annotations?: Record<string, unknown> | null;
}

/** Request bodies are kept as JSON text up to this size (rules search the first 16 KiB). */
export const MAX_REQUEST_OBJECT = 64 * 1024;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** RFC 3339 with up to nine fraction digits → ns since the epoch, or null. */
export function rfc3339Nanos(v: unknown): bigint | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(v);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** The problem with one item, naming its field, or null when it can be kept. */
export function itemProblem(item: unknown): string | null {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return 'is not an object';
  const i = item as AuditItem;
  if (!str(i.auditID) || (i.auditID as string).length > 128) return 'auditID: required, a string of at most 128 characters';
  if (!str(i.stage)) return 'stage: required';
  if (!str(i.verb)) return 'verb: required';
  if (!str(i.requestURI)) return 'requestURI: required';
  if (!i.user || typeof i.user !== 'object' || !str(i.user.username)) return 'user.username: required';
  if (rfc3339Nanos(i.stageTimestamp) === null && rfc3339Nanos(i.requestReceivedTimestamp) === null) return 'stageTimestamp: required, RFC 3339';
  return null;
}

/** The Tracehound Event for an audit item already checked by itemProblem. Its id is stable: the same audit event gives the same id. */
export function auditEvent(i: AuditItem, node: string): Event {
  const o = i.objectRef ?? {};
  const request = i.requestObject === undefined || i.requestObject === null ? null : JSON.stringify(i.requestObject);
  const code = i.responseStatus?.code;
  return {
    id: `k8s-audit-${i.auditID as string}-${i.stage as string}`,
    ts: rfc3339Nanos(i.stageTimestamp) ?? rfc3339Nanos(i.requestReceivedTimestamp)!,
    node,
    kind: 'k8s_audit',
    enrichment: null,
    process: null, exec: null, exit: null, fork: null, file: null, net: null, privilege: null, capability: null, ptrace: null, module: null, mount: null,
    namespace_change: null, memfd: null, dup: null, bpf: null, stats: null, k8s: null,
    audit: {
      audit_id: i.auditID as string,
      stage: i.stage as string,
      level: str(i.level),
      verb: i.verb as string,
      user: i.user!.username as string,
      user_uid: str(i.user!.uid),
      groups: strings(i.user!.groups),
      impersonated_user: str(i.impersonatedUser?.username),
      resource: str(o.resource),
      subresource: str(o.subresource),
      api_group: str(o.apiGroup),
      api_version: str(o.apiVersion),
      name: str(o.name),
      namespace: str(o.namespace),
      request_uri: (i.requestURI as string).slice(0, 8192),
      response_code: typeof code === 'number' && Number.isInteger(code) ? code : null,
      source_ips: strings(i.sourceIPs),
      user_agent: str(i.userAgent)?.slice(0, 1024) ?? null,
      decision: str(i.annotations?.['authorization.k8s.io/decision']),
      request_object: request && request.length > MAX_REQUEST_OBJECT ? `${request.slice(0, MAX_REQUEST_OBJECT)}…` : request,
    },
  };
}
