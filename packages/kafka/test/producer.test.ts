import t from 'tap';
import { connect, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { capturingLogger, stackConfig, testKafka } from '@tracehound/testkit';
import { BatchingProducer, createKafka, topicName } from '../src/index.js';

/** Connections to the real broker that can be reset and then refused (the broker itself is shared and keeps running). */
function switchableSockets(): { factory: ISocketFactory; cut(): void; restore(): void } {
  let up = true;
  const open = new Set<Socket>();
  const factory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = up ? connect({ host, port }, onConnect) : connect({ host: '127.0.0.1', port: 1 }, onConnect);
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    return socket;
  };
  return {
    factory,
    cut() {
      up = false;
      for (const s of open) s.destroy(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
    },
    restore() {
      up = true;
    },
  };
}

const cfg = stackConfig();

t.test('the idempotent batching producer sends without any kafkajs warning (real broker)', async (t) => {
  const tk = await testKafka('kafka-producer-warn', ['eventsRaw'], 2);
  const { logger, entries } = capturingLogger();
  const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'test-producer-warn', logger });
  const producer = new BatchingProducer(kafka, { lingerMs: 1 });
  await producer.connect();
  const topic = topicName(tk.prefix, 'eventsRaw');
  await producer.send(topic, Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
  await producer.disconnect();
  const admin = tk.kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  t.equal(offsets.reduce((n, p) => n + Number(p.high), 0), 50, 'all 50 acknowledged and stored');
  t.same(entries.filter((e) => e.level === 'warn' || e.level === 'error'), [], 'kafkajs logged no warning or error');
});

t.test('brokers gone after connect: a send fails once the client retries are spent (not retried forever), and works again once they are back', async (t) => {
  const tk = await testKafka('kafka-producer-away', ['eventsRaw'], 1);
  const sockets = switchableSockets();
  const { logger, entries } = capturingLogger();
  const kafka = createKafka({
    brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'test-producer-away', logger, socketFactory: sockets.factory,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 400 }, connectionTimeoutMs: 500, requestTimeoutMs: 1_000,
  });
  const producer = new BatchingProducer(kafka, { lingerMs: 0 });
  await producer.connect();
  t.teardown(() => producer.disconnect().catch(() => undefined));
  const topic = topicName(tk.prefix, 'eventsRaw');
  await producer.send(topic, [{ key: 'a', value: 'before' }]);

  sockets.cut();
  const started = Date.now();
  const failed = await producer.send(topic, [{ key: 'b', value: 'while away' }]).then(() => undefined, (e: unknown) => e);
  const tookMs = Date.now() - started;
  t.match(failed, { code: 'TH_ERR_KAFKA', message: /produce of 1 messages failed/ }, 'the caller learns the send failed');
  t.ok(tookMs < 30_000, `failed after ${tookMs} ms`);
  t.notOk(entries.some((e) => e.level === 'warn'), 'no kafkajs warning (the retry bound is deliberate)');

  sockets.restore();
  await producer.send(topic, [{ key: 'c', value: 'after' }]);
  const admin = tk.kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  t.equal(Number(offsets[0]!.high), 2, 'the messages before and after are stored');
});

t.test('a list longer than a batch settles only when the producer holds none of it, also when a part fails', async (t) => {
  const tk = await testKafka('kafka-producer-parts', ['eventsRaw'], 1);
  const sockets = switchableSockets();
  const kafka = createKafka({
    brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: 'test-producer-parts', logger: capturingLogger().logger, socketFactory: sockets.factory,
    retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 }, connectionTimeoutMs: 300, requestTimeoutMs: 1_000,
  });
  const producer = new BatchingProducer(kafka, { lingerMs: 0, maxBatchMessages: 10 });
  await producer.connect();
  t.teardown(() => producer.disconnect().catch(() => undefined));
  const topic = topicName(tk.prefix, 'eventsRaw');
  const list = (tag: string) => Array.from({ length: 25 }, (_, i) => ({ key: 'k', value: `${tag}${i}` }));
  await producer.send(topic, list('ok'));
  t.equal(producer.buffered, 0, 'acknowledged: nothing held');

  sockets.cut();
  const failed = await producer.send(topic, list('away')).then(() => undefined, (e: unknown) => e);
  t.match(failed, { code: 'TH_ERR_KAFKA' }, 'the failure reaches the caller');
  t.equal(producer.buffered, 0, 'when it does, no part of the list is still queued or in flight');
  sockets.restore();
});
