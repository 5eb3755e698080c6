import type { Writable } from 'node:stream';
import { toJson, type Event } from '@tracehound/schemas';
import type { EventSink } from './sink.js';

/** `tracehound agent --output json`: one JSON object per line on stdout. */
export class JsonSink implements EventSink {
  private dropped = 0;

  constructor(private readonly out: Writable) {
    // A closed pipe (`| head`) is the reader's choice, not an error worth a stack trace.
    out.on('error', () => undefined);
  }

  write(ev: Event): void {
    if (!this.out.writable) {
      this.dropped++;
      return;
    }
    this.out.write(`${toJson(ev)}\n`);
  }

  status() {
    return { output: 'json', dropped: this.dropped };
  }

  spoolState() {
    return { records: 0, bytes: 0, dropped: this.dropped };
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.out.writableNeedDrain ? this.out.once('drain', () => r()) : r()));
  }
}
