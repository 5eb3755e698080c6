import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { OutgoingMessage } from './producer.js';

/** Header names on tracehound.deadletter records; the value and key are the original bytes. */
export const DLQ_HEADERS = {
  code: 'tracehound.error.code',
  reason: 'tracehound.error.reason',
  topic: 'tracehound.source.topic',
  partition: 'tracehound.source.partition',
  offset: 'tracehound.source.offset',
  group: 'tracehound.source.group',
  failedAt: 'tracehound.failed.at',
} as const;

export interface DeadLetterSource {
  topic: string;
  partition: number;
  group: string;
}

/** The dead-letter record for a message that could not be processed: original bytes, reason in headers. */
export function deadLetterMessage(msg: KafkaMessage, src: DeadLetterSource, code: string, reason: string): OutgoingMessage {
  const headers: IHeaders = { ...(msg.headers ?? {}) };
  headers[DLQ_HEADERS.code] = code;
  headers[DLQ_HEADERS.reason] = reason.slice(0, 4_000);
  headers[DLQ_HEADERS.topic] = src.topic;
  headers[DLQ_HEADERS.partition] = String(src.partition);
  headers[DLQ_HEADERS.offset] = msg.offset;
  headers[DLQ_HEADERS.group] = src.group;
  headers[DLQ_HEADERS.failedAt] = new Date().toISOString();
  return { key: msg.key, value: msg.value, headers, timestamp: msg.timestamp };
}
