import { RecordCodec, registerWithRetry, type Alert, type createRegistry } from '@tracehound/schemas';
import type { BatchingProducer, OutgoingMessage } from '@tracehound/kafka';
import { valueSubject } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { alertKey } from '../engine/alert.js';

/** Alerts to the alerts topic, Avro with the registry, keyed by pod uid; resolves when Kafka has acked. */
export class AlertSink {
  private readonly codec: RecordCodec<'tracehound.Alert'>;

  constructor(registry: ReturnType<typeof createRegistry>, private readonly producer: BatchingProducer, private readonly topic: string, private readonly logger: Logger) {
    this.codec = new RecordCodec(registry, 'tracehound.Alert');
  }

  async start(registryUrl: string): Promise<void> {
    await registerWithRetry(this.codec, valueSubject(this.topic), registryUrl, this.logger);
  }

  async send(alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    const messages: OutgoingMessage[] = alerts.map((a) => ({ key: alertKey(a.event), value: this.codec.encode(a) }));
    await this.producer.send(this.topic, messages);
  }
}
