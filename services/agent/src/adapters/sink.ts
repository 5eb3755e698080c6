import type { Event } from '@tracehound/schemas';

/** Where the agent's events go: Kafka (with the disk spool) or JSON lines. */
export interface EventSink {
  write(ev: Event): void;
  status(): Record<string, unknown>;
  spoolState(): { records: number; bytes: number; dropped: number };
  close(): Promise<void>;
}
