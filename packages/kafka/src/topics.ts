import type { Admin, ITopicConfig } from 'kafkajs';
import { TracehoundError } from '@tracehound/errors';
import type { RecordName } from '@tracehound/schemas';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TopicSpec {
  /** Name after the prefix, e.g. "events.raw". */
  suffix: string;
  /** Avro record of the value, or null for JSON (rules) and raw bytes (dead letters). */
  value: RecordName | null;
  key: string;
  config: Record<string, string>;
}

/** The topics of DESIGN.md "Topics": the one place their names, keys and retention are set. */
export const TOPICS = {
  eventsRaw: { suffix: 'events.raw', value: 'tracehound.Event', key: 'node/container id', config: { 'retention.ms': String(3 * DAY_MS) } },
  eventsEnriched: { suffix: 'events.enriched', value: 'tracehound.Event', key: 'pod uid, or node for host processes', config: { 'retention.ms': String(3 * DAY_MS) } },
  alerts: { suffix: 'alerts', value: 'tracehound.Alert', key: 'pod uid', config: { 'retention.ms': String(30 * DAY_MS) } },
  rules: { suffix: 'rules', value: null, key: 'rule id', config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' } },
  deadLetter: { suffix: 'deadletter', value: null, key: 'original key', config: { 'retention.ms': String(14 * DAY_MS) } },
  notifyRoutes: { suffix: 'notify.routes', value: null, key: 'route id', config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' } },
  notifyDeliveries: { suffix: 'notify.deliveries', value: 'tracehound.Delivery', key: 'route id/message id', config: { 'retention.ms': String(14 * DAY_MS) } },
} as const satisfies Record<string, TopicSpec>;

export type TopicId = keyof typeof TOPICS;

export function topicName(prefix: string, id: TopicId): string {
  const spec = (TOPICS as Record<string, TopicSpec>)[id];
  if (!spec) throw new TracehoundError('TH_ERR_UNKNOWN_TOPIC', `unknown topic "${id}"; known: ${Object.keys(TOPICS).join(', ')}`);
  return `${prefix}.${spec.suffix}`;
}

/** The spec behind a full topic name, or TH_ERR_UNKNOWN_TOPIC naming it. */
export function specOf(prefix: string, name: string): TopicSpec & { id: TopicId } {
  for (const [id, spec] of Object.entries(TOPICS)) if (`${prefix}.${spec.suffix}` === name) return { ...spec, id: id as TopicId };
  throw new TracehoundError('TH_ERR_UNKNOWN_TOPIC', `"${name}" is not a Tracehound topic (prefix "${prefix}")`);
}

/** Subject of a topic's values in the schema registry (TopicNameStrategy). */
export const valueSubject = (topic: string): string => `${topic}-value`;

export interface ProvisionOptions {
  prefix: string;
  partitions: number;
  replication: number;
  ids?: TopicId[];
}

/**
 * Creates missing topics with their partitions and configs; existing ones are left as they are
 * (their configs are not overwritten, so an operator's tuning survives restarts).
 * Returns the names it created.
 */
export async function provisionTopics(admin: Admin, o: ProvisionOptions): Promise<string[]> {
  const ids = o.ids ?? (Object.keys(TOPICS) as TopicId[]);
  const existing = new Set(await admin.listTopics());
  const wanted: ITopicConfig[] = ids
    .map((id) => ({ id, name: topicName(o.prefix, id) }))
    .filter(({ name }) => !existing.has(name))
    .map(({ id, name }) => ({
      topic: name,
      // Rules (and notification routes) are few; one partition keeps one total order of changes.
      numPartitions: id === 'rules' || id === 'notifyRoutes' ? 1 : o.partitions,
      replicationFactor: o.replication,
      configEntries: Object.entries(TOPICS[id].config).map(([name, value]) => ({ name, value })),
    }));
  if (wanted.length === 0) return [];
  try {
    await admin.createTopics({ topics: wanted, waitForLeaders: true });
  } catch (cause) {
    // Another instance may have created them meanwhile; only a topic still missing is an error.
    const now = new Set(await admin.listTopics());
    const missing = wanted.filter((w) => !now.has(w.topic));
    if (missing.length) {
      throw new TracehoundError('TH_ERR_KAFKA', `could not create topics ${missing.map((m) => m.topic).join(', ')}: ${(cause as Error).message}`, { cause });
    }
  }
  return wanted.map((w) => w.topic);
}
