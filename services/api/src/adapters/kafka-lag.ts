import type { Kafka } from 'kafkajs';
import { errorMessage } from '@tracehound/errors';
import { topicName, type TopicId } from '@tracehound/kafka';

/** Which consumer group reads which topic: the pipeline's stages after the agent. */
export interface StageGroups {
  enricher: string;
  detector: string;
  sink: string;
}

export const DEFAULT_STAGE_GROUPS: StageGroups = { enricher: 'tracehound-enricher', detector: 'tracehound-detector', sink: 'tracehound-sink' };

const STAGES: Array<[stage: keyof StageGroups, topic: TopicId]> = [
  ['enricher', 'eventsRaw'],
  ['detector', 'eventsEnriched'],
  ['sink', 'eventsEnriched'],
  ['sink', 'alerts'],
];

export interface StageLag { stage: string; group: string; topic: string; end: number; committed: number; lag: number }
export interface KafkaHealth { available: boolean; reason?: string; stages: StageLag[]; deadLetters: number }

/**
 * Consumer lag per stage from the broker (committed offsets of each group against the topics'
 * end offsets) and the dead-letter topic's size. Cached briefly: dashboards refresh often and
 * every read is several admin requests.
 */
export class KafkaLag {
  private cached: { at: number; value: Promise<KafkaHealth> } | undefined;

  constructor(private readonly kafka: Kafka | undefined, private readonly prefix: string, private readonly groups: StageGroups, private readonly ttlMs = 5_000) {}

  read(): Promise<KafkaHealth> {
    if (!this.kafka) return Promise.resolve({ available: false, reason: 'this API server has no Kafka connection', stages: [], deadLetters: 0 });
    if (!this.cached || Date.now() - this.cached.at > this.ttlMs) this.cached = { at: Date.now(), value: this.fetch(this.kafka) };
    return this.cached.value;
  }

  private async fetch(kafka: Kafka): Promise<KafkaHealth> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const ends = new Map<string, Array<{ partition: number; high: string; low: string }>>();
      const endsOf = async (topic: string) => {
        if (!ends.has(topic)) ends.set(topic, existing.has(topic) ? await admin.fetchTopicOffsets(topic) : []);
        return ends.get(topic)!;
      };
      const stages: StageLag[] = [];
      for (const [stage, id] of STAGES) {
        const topic = topicName(this.prefix, id);
        const partitions = await endsOf(topic);
        const group = this.groups[stage];
        const [committed] = partitions.length ? await admin.fetchOffsets({ groupId: group, topics: [topic] }) : [];
        const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
        let end = 0n;
        let done = 0n;
        let lag = 0n;
        for (const p of partitions) {
          const high = BigInt(p.high);
          const c = byPartition.get(p.partition) ?? -1n;
          end += high;
          // -1: never committed; everything retained is still to read.
          const from = c >= 0n ? c : BigInt(p.low);
          done += c >= 0n ? c : 0n;
          lag += high > from ? high - from : 0n;
        }
        stages.push({ stage, group, topic, end: Number(end), committed: Number(done), lag: Number(lag) });
      }
      const dead = await endsOf(topicName(this.prefix, 'deadLetter'));
      const deadLetters = dead.reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0);
      return { available: true, stages, deadLetters };
    } catch (err) {
      this.cached = undefined;
      return { available: false, reason: `Kafka unreachable: ${errorMessage(err)}`, stages: [], deadLetters: 0 };
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
