import { createRequire } from 'node:module';
import kafkajs, { type ISocketFactory, type Kafka as KafkaClient, type LogEntry, type RetryOptions } from 'kafkajs';
import type { Logger } from '@tracehound/logging';
import { registerCompression } from './compression.js';
import { framedSocketFactory } from './framed-socket.js';

export interface KafkaClientOptions {
  brokers: string;
  clientId: string;
  logger: Logger;
  /** kafkajs's own retry for requests; defaults suit a broker that may restart. */
  retry?: RetryOptions;
  connectionTimeoutMs?: number;
  /** How long a request may wait for its answer (kafkajs's default: 30000). */
  requestTimeoutMs?: number;
  /** How connections to brokers are made (framedSocketFactory by default: whole responses, no allocation per read). */
  socketFactory?: ISocketFactory;
}

// kafkajs is CommonJS whose named exports Node cannot detect statically.
const { Kafka, logLevel } = kafkajs;

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * kafkajs warns whenever an idempotent producer's retries are bounded, and its retry count is
 * the only bound a send has: unbounded, a send to a broker that stopped answering is retried
 * forever (each try ends in a request timeout) and its caller never learns of it. Tracehound's
 * producers keep the bound on purpose: the failure reaches the caller (the agent spools, a
 * consumer retries its batch), and a re-sent batch is deduplicated downstream by event ids.
 */
const EXPECTED_WARNINGS = [/^Limiting retries for the idempotent producer/];

/**
 * kafkajs logs every failed response at error level, also the protocol errors it retries (a
 * partition whose leader the broker has not taken up yet, right after the topic was created; a
 * leader moving). Those are warnings: the request is retried, and when the retries are spent the
 * caller gets the error and reports it. Their messages come from kafkajs's own table of protocol
 * errors, the ones it marks retriable.
 */
const RETRIED_RESPONSE_ERRORS: ReadonlySet<string> = new Set(
  (createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as { errorCodes: { retriable: boolean; message: string }[] }).errorCodes
    .filter((e) => e.retriable)
    .map((e) => e.message),
);

/** The level a kafkajs log entry is written at: a retried protocol error in a response is a warning. */
export function kafkaLogLevel(namespace: string, level: number, entry: object): number {
  const error = (entry as { error?: unknown }).error;
  const retried = level === logLevel.ERROR && namespace === 'Connection' && typeof error === 'string' && RETRIED_RESPONSE_ERRORS.has(error);
  return retried ? logLevel.WARN : level;
}

/** A kafkajs client that logs through pino and knows the LZ4 codec. */
export function createKafka(o: KafkaClientOptions): KafkaClient {
  registerCompression();
  const log = o.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: o.clientId,
    brokers: o.brokers.split(',').map((b) => b.trim()),
    connectionTimeout: o.connectionTimeoutMs ?? 3_000,
    retry: o.retry ?? { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    ...(o.requestTimeoutMs ? { requestTimeout: o.requestTimeoutMs } : {}),
    socketFactory: o.socketFactory ?? framedSocketFactory,
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const at = kafkaLogLevel(namespace, level, entry);
      if (at === logLevel.WARN && EXPECTED_WARNINGS.some((re) => re.test(message))) return;
      log[LEVELS[at] ?? 'info']({ namespace, ...rest }, message);
    },
  });
}
