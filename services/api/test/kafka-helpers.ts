import type { Test } from 'tap';
import { BatchingProducer, topicName, valueSubject } from '@tracehound/kafka';
import { RecordCodec, type Alert } from '@tracehound/schemas';
import { testKafka, type TestKafka } from '@tracehound/testkit';
import type { ApiOptions } from '../src/index.js';
import { testApi, type TestApi } from './helpers.js';

/** An API wired to the stack's Kafka with topics of its own (rules, alerts), ready to use. */
export async function kafkaApi(t: Test, name: string, o: Partial<ApiOptions> = {}): Promise<{ a: TestApi; tk: TestKafka; sendAlert(a: Alert): Promise<void> }> {
  const tk = await testKafka(name, ['alerts', 'rules', 'eventsEnriched', 'deadLetter']);
  const a = await testApi(t, { kafka: { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix }, ...o });
  await a.api.kafkaReady;
  const codec = new RecordCodec(tk.registry, 'tracehound.Alert');
  const topic = topicName(tk.prefix, 'alerts');
  await codec.register(valueSubject(topic));
  const producer = new BatchingProducer(tk.kafka, { lingerMs: 0 });
  await producer.connect();
  t.teardown(() => producer.disconnect());
  return { a, tk, sendAlert: (al) => producer.send(topic, [{ key: al.event.k8s?.pod_uid ?? al.event.node, value: codec.encode(al) }]) };
}
