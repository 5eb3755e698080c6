import kafkajs, { type Kafka as KafkaClient, type LogEntry, type RetryOptions } from 'kafkajs';
import type { Logger } from '@tracehound/logging';
import { registerCompression } from './compression.js';

export interface KafkaClientOptions {
  brokers: string;
  clientId: string;
  logger: Logger;
  /** kafkajs's own retry for requests; defaults suit a broker that may restart. */
  retry?: RetryOptions;
  connectionTimeoutMs?: number;
}

// kafkajs is CommonJS whose named exports Node cannot detect statically.
const { Kafka, logLevel } = kafkajs;

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client that logs through pino and knows the LZ4 codec. */
export function createKafka(o: KafkaClientOptions): KafkaClient {
  registerCompression();
  const log = o.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: o.clientId,
    brokers: o.brokers.split(',').map((b) => b.trim()),
    connectionTimeout: o.connectionTimeoutMs ?? 3_000,
    retry: o.retry ?? { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      log[LEVELS[level] ?? 'info']({ namespace, ...rest }, message);
    },
  });
}
