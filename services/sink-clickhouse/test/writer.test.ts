import t from 'tap';
import { EVENTS, type TableSpec } from '@tracehound/clickhouse';
import type { BatchContext, ConsumedRecord } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import type { Event } from '@tracehound/schemas';
import { clickhouseStore, type SinkStore } from '../src/adapters/store.js';
import { SINK_TABLES } from '../src/tables.js';
import { SinkWriter } from '../src/writer.js';
import { count, embeddedClickHouse, freshEvents, migrated, switchableClickHouse } from './helpers.js';

const TOPIC = 'p.events.enriched';
const tables = new Map([[TOPIC, SINK_TABLES[0]!]]);

function records(events: Event[], partition = 0, firstOffset = 0): ConsumedRecord<unknown>[] {
  return events.map((value, i) => ({ topic: TOPIC, partition, offset: String(firstOffset + i), key: null, value, headers: {}, timestamp: '0', raw: {} as never }));
}

function context() {
  const dead: Array<{ offset: string; code: string; reason: string }> = [];
  let heartbeats = 0;
  const ctx: BatchContext = {
    deadLetter: (r, code, reason) => dead.push({ offset: r.offset, code, reason }),
    heartbeat: async () => void heartbeats++,
    isRunning: () => true,
  };
  return { ctx, dead, heartbeats: () => heartbeats };
}

t.test('a batch re-delivered with other boundaries after an insert that was never committed is stored once', async (t) => {
  const ch = embeddedClickHouse(t);
  await migrated(t, ch);
  const events = freshEvents(1000);
  const w1 = new SinkWriter({ store: clickhouseStore(ch, 'sink'), tables, batchRows: 300, logger: silentLogger() });
  await w1.handle(records(events.slice(0, 450)), context().ctx); // stored, then the process "dies" before the commit
  // A new process: first fetch from the committed offset 0 brings more records, in other chunks.
  const w2 = new SinkWriter({ store: clickhouseStore(ch, 'sink'), tables, batchRows: 256, logger: silentLogger() });
  await w2.handle(records(events), context().ctx);
  await w2.handle(records(events.slice(700), 0, 700), context().ctx); // and once more, as a plain re-delivery
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 1000, 'each event exactly once');
  t.equal(await count(ch, 'SELECT uniqExact(id) FROM sink.events'), 1000);
  t.equal(await count(ch, 'SELECT sum(events) FROM sink.events_per_minute'), 1000, 'the roll-up agrees');
});

t.test('the same chunk inserted twice (an unclear failure retried) is stored once: the token holds', async (t) => {
  const ch = embeddedClickHouse(t);
  await migrated(t, ch);
  const inner = clickhouseStore(ch, 'sink');
  let failAfter = 2;
  const store: SinkStore = {
    storedUpTo: inner.storedUpTo,
    async insert(spec: TableSpec, rows, token) {
      await inner.insert(spec, rows, token);
      // The insert held but the answer is lost (timeout, connection reset): the writer must retry.
      if (failAfter-- > 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    },
  };
  const w = new SinkWriter({ store, tables, batchRows: 100, logger: silentLogger(), retry: { initialDelayMs: 5, maxDelayMs: 10 } });
  const c = context();
  await w.handle(records(freshEvents(250)), c.ctx);
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 250);
  t.ok(c.heartbeats() >= 2, 'heartbeats while waiting');
});

t.test('rows the engine refuses go to the dead-letter topic with the reason; the rest is stored', async (t) => {
  const ch = embeddedClickHouse(t);
  await migrated(t, ch);
  const events = freshEvents(200);
  // A lone UTF-16 surrogate in an argument: JSON carries it as \ud800, which the engine refuses.
  for (const i of [17, 123, 124]) events[i]!.process!.args = ['sh', '-c', 'echo \ud800'];
  const w = new SinkWriter({ store: clickhouseStore(ch, 'sink'), tables, batchRows: 1000, logger: silentLogger() });
  const c = context();
  await w.handle(records(events, 0, 5000), c.ctx);
  t.same(c.dead.map((d) => d.offset), ['5017', '5123', '5124']);
  t.ok(c.dead.every((d) => d.code === 'TH_ERR_CLICKHOUSE_DATA' && /escape sequence/i.test(d.reason)), 'the reason names the problem');
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 197);
});

t.test('ClickHouse closed mid-stream: the writer waits, reports unavailable, and stores everything once it is back', async (t) => {
  const ch = switchableClickHouse(t);
  await migrated(t, ch);
  const w = new SinkWriter({ store: clickhouseStore(ch, 'sink'), tables, batchRows: 100, logger: silentLogger(), retry: { initialDelayMs: 20, maxDelayMs: 50 } });
  const events = freshEvents(600);
  await w.handle(records(events.slice(0, 300)), context().ctx);
  await ch.closeEngine();
  const pending = w.handle(records(events.slice(300), 0, 300), context().ctx);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(w.clickhouseUp, false, 'unavailable is visible');
  ch.reopenEngine();
  await pending;
  t.equal(w.clickhouseUp, true);
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 600);
  t.equal(EVENTS.name, 'events');
});
