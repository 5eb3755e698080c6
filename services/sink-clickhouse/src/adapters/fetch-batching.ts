import type { Kafka } from 'kafkajs';

export interface FetchBatching {
  /** The broker holds a fetch until this many bytes are ready… */
  minBytes: number;
  /** …or this many milliseconds have passed. */
  maxWaitMs: number;
  /** Bytes of one fetch over all its partitions (kafkajs' default: 10 MiB). */
  maxBytes?: number;
}

/**
 * Batching by size and time happens at the broker: a fetch returns when `minBytes` are ready or
 * `maxWaitMs` passed, so one Kafka batch becomes one large insert instead of many small parts.
 * BatchConsumer (packages/kafka) does not take these options, so the sink hands it a client
 * whose consumers get them; everything else passes through unchanged.
 */
export function withFetchBatching(kafka: Kafka, o: FetchBatching): Kafka {
  return new Proxy(kafka, {
    get(target, prop, receiver) {
      if (prop === 'consumer') {
        return (cfg: Parameters<Kafka['consumer']>[0]) => target.consumer({ ...cfg, minBytes: o.minBytes, maxWaitTimeInMs: o.maxWaitMs, ...(o.maxBytes ? { maxBytes: o.maxBytes } : {}) });
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
