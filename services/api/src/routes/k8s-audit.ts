import { createHash, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { Type } from '@sinclair/typebox';
import type { Kafka } from 'kafkajs';
import { TracehoundError, errorMessage } from '@tracehound/errors';
import type { Logger } from '@tracehound/logging';
import { AuditPublisher, auditRequests } from '../k8s-audit/publisher.js';
import { ERRORS } from '../schemas/common.js';
import { RuleInvalid } from '../schemas/rules.js';
import type { Api } from './types.js';

export interface K8sAuditOptions {
  kafka?: { kafka: Kafka; registryUrl: string; topicPrefix: string; provision?: { partitions: number; replication: number } };
  /** Bearer tokens the API server's webhook kubeconfig may present. */
  tokens: string[];
  /** Client certificate subjects (CN) accepted when the API is served over TLS with client certificates. */
  clientNames: string[];
  /** The `node` of the events: the cluster's API server. */
  node: string;
  bodyLimit: number;
  logger: Logger;
}

const EventList = Type.Object({
  kind: Type.Literal('EventList'),
  apiVersion: Type.Literal('audit.k8s.io/v1'),
  items: Type.Array(Type.Unknown(), { maxItems: 100_000 }),
}, { additionalProperties: true });
const Accepted = Type.Object({
  accepted: Type.Integer({ description: 'events published to events.raw' }),
  duplicates: Type.Integer({ description: 'events already received (same audit id and stage): not published again' }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), reason: Type.String() })),
});

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * POST /api/v1/k8s-audit: the API server's audit webhook backend (`--audit-webhook-config-file`).
 * Authenticated by its own bearer tokens or client certificate, not by user sessions. Answers
 * 200 once Kafka holds the events (503 otherwise, and the API server sends the batch again).
 */
export async function registerK8sAudit(app: Api, o: K8sAuditOptions): Promise<{ close(): Promise<void> }> {
  const publisher = o.kafka && (o.tokens.length || o.clientNames.length) ? new AuditPublisher(o.kafka.kafka, o.kafka.topicPrefix, o.kafka.registryUrl, o.node, o.logger) : undefined;
  await publisher?.start(o.kafka?.provision);
  const tokens = o.tokens.map(digest);
  const authenticated = (authorization: string | undefined, socket: TLSSocket): boolean => {
    const token = /^Bearer ([^\s]+)$/i.exec(authorization ?? '')?.[1];
    if (token) {
      const d = digest(token);
      return tokens.some((t) => timingSafeEqual(t, d));
    }
    if (socket.encrypted && socket.authorized) return o.clientNames.includes(String(socket.getPeerCertificate()?.subject?.CN ?? ''));
    return false;
  };

  app.post('/api/v1/k8s-audit', {
    bodyLimit: o.bodyLimit,
    config: { public: true, rateLimit: false },
    schema: { tags: ['kubernetes'], summary: 'Kubernetes API server audit webhook (audit.k8s.io/v1 EventList)', security: [{ bearer: [] }], body: EventList, response: { 200: Accepted, 400: RuleInvalid, 401: ERRORS[401], 503: ERRORS[500] } },
    onResponse: async (_req, reply) => {
      if (reply.statusCode === 413) auditRequests.inc({ result: 'too_large' });
      else if (reply.statusCode === 400) auditRequests.inc({ result: 'malformed' });
    },
    preValidation: async (req) => {
      if (!publisher) throw new TracehoundError('TH_ERR_UNREACHABLE', 'the Kubernetes audit webhook is not enabled on this server (set TRACEHOUND_API_K8S_AUDIT_TOKENS)');
      if (!authenticated(req.headers.authorization, req.raw.socket as TLSSocket)) {
        auditRequests.inc({ result: 'unauthenticated' });
        throw new TracehoundError('TH_ERR_UNAUTHENTICATED', 'the audit webhook needs a configured bearer token or client certificate');
      }
    },
  }, async (req) => {
    const { items } = req.body as { items: unknown[] };
    let r;
    try {
      r = await publisher!.publish(items);
    } catch (cause) {
      auditRequests.inc({ result: 'unavailable' });
      throw new TracehoundError('TH_ERR_UNREACHABLE', `audit events not published: ${errorMessage(cause)}`, { cause });
    }
    if (items.length > 0 && r.rejected.length === items.length) {
      throw new TracehoundError('TH_ERR_INVALID_INPUT', `no valid audit event: ${r.rejected[0]!.reason}`, { details: { field: r.rejected[0]!.reason.split(':')[0], issues: r.rejected.slice(0, 100).map((x) => ({ pointer: `/items/${x.index}`, message: x.reason })) } });
    }
    auditRequests.inc({ result: 'accepted' });
    return r;
  });
  return { close: async () => { await publisher?.close(); } };
}
