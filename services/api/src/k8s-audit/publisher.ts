import type { Kafka } from 'kafkajs';
import { BatchingProducer, provisionTopics, topicName, valueSubject } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { counter } from '@tracehound/metrics';
import { RecordCodec, createRegistry, registerWithRetry, type Event } from '@tracehound/schemas';
import { auditEvent, itemProblem, type AuditItem } from './convert.js';

export const auditCounter = counter({ name: 'tracehound_api_k8s_audit_events_total', help: 'Kubernetes audit events received, by outcome (published, duplicate, rejected)', labelNames: ['outcome'] });
export const auditRequests = counter({ name: 'tracehound_api_k8s_audit_requests_total', help: 'Audit webhook requests, by result (accepted, unauthenticated, malformed, too_large, unavailable)', labelNames: ['result'] });

export interface PublishResult {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; reason: string }>;
}

/**
 * Audit events to events.raw as `k8s_audit` Events (Avro, keyed by the API server's node name),
 * so they take the same enrich → detect → store path as kernel events. The API server resends a
 * batch it got no answer for: events seen recently (audit id and stage) are not published again,
 * and their ids are stable, so storage keeps one row even past that memory.
 */
export class AuditPublisher {
  private readonly codec: RecordCodec<'tracehound.Event'>;
  private readonly producer: BatchingProducer;
  private readonly topic: string;
  private readonly seen = new Set<string>();

  constructor(private readonly kafka: Kafka, private readonly prefix: string, private readonly registryUrl: string, private readonly node: string, private readonly logger: Logger, private readonly remember = 200_000) {
    this.topic = topicName(prefix, 'eventsRaw');
    this.codec = new RecordCodec(createRegistry(registryUrl), 'tracehound.Event');
    this.producer = new BatchingProducer(kafka, { lingerMs: 2 });
  }

  async start(provision?: { partitions: number; replication: number }): Promise<void> {
    if (provision) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        await provisionTopics(admin, { prefix: this.prefix, ...provision, ids: ['eventsRaw'] });
      } finally {
        await admin.disconnect();
      }
    }
    await this.producer.connect();
    await registerWithRetry(this.codec, valueSubject(this.topic), this.registryUrl, this.logger);
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Publishes the valid, new items; resolves when Kafka has acknowledged them. */
  async publish(items: unknown[]): Promise<PublishResult> {
    const out: PublishResult = { accepted: 0, duplicates: 0, rejected: [] };
    const events: Event[] = [];
    const batchKeys = new Set<string>();
    items.forEach((item, index) => {
      const problem = itemProblem(item);
      if (problem) {
        out.rejected.push({ index, reason: `items[${index}].${problem}` });
        return;
      }
      const e = auditEvent(item as AuditItem, this.node);
      if (this.seen.has(e.id) || batchKeys.has(e.id)) {
        out.duplicates++;
        return;
      }
      batchKeys.add(e.id);
      events.push(e);
    });
    if (events.length) await this.producer.send(this.topic, events.map((e) => ({ key: `${this.node}/k8s-audit`, value: this.codec.encode(e) })));
    for (const id of batchKeys) this.seen.add(id);
    while (this.seen.size > this.remember) this.seen.delete(this.seen.values().next().value!);
    out.accepted = events.length;
    auditCounter.inc({ outcome: 'published' }, events.length);
    if (out.duplicates) auditCounter.inc({ outcome: 'duplicate' }, out.duplicates);
    if (out.rejected.length) auditCounter.inc({ outcome: 'rejected' }, out.rejected.length);
    return out;
  }
}
