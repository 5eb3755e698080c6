import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TracehoundError } from '@tracehound/errors';
import { EVENT_KIND_SYMBOLS, avroType, sampleEnrichedEvent, sampleEvent, sampleProcess, type Event } from '@tracehound/schemas';
import { ALERTS, EVENTS, EVENT_NATIVE_COLUMNS, createTable, encodeNative, encodeNativeYielding, eventToRow, insertColumns, insertRows, nativeStructure, nativeSupported, selectRows, eventBodyColumns, type TableSpec } from '../src/index.js';
import { NATIVE_CHUNK_ROWS, withNativePayload } from '../src/rows/native.js';
import { migratedClickHouse, sharedDataDir } from './helpers.js';

// Strings a JSON or binary encoder could get wrong: quotes, escapes, control bytes, multi-byte
// UTF-8, astral-plane characters, and lengths around the one-byte varint boundary and far past it.
const ODD = ['', ' ', '"', "'", '\\', '\\n', '\n', '\t', '\r\n', '\u0000', '\u0001\u001f', 'é', '日本語', '😀 emoji 🐳', 'a\u2028b', '{"json":[1]}', 'x'.repeat(127), 'ü'.repeat(64), 'y'.repeat(128), 'z'.repeat(20_000), '€'.repeat(50)];

/** A seeded generator, so a failure names an event that comes back on every run. */
function random(seed: number) {
  let x = seed;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return { next, pick: <T>(l: readonly T[]): T => l[Math.floor(next() * l.length)]!, int: (n: number) => Math.floor(next() * n) };
}

function variedEvents(count: number): Event[] {
  const r = random(42);
  const odd = () => r.pick(ODD);
  const map = () => Object.fromEntries(Array.from({ length: r.int(4) }, (_, i) => [`${odd()}k${i}`, odd()]));
  const list = () => Array.from({ length: r.int(4) }, odd);
  return Array.from({ length: count }, (_, i) => {
    const kind = EVENT_KIND_SYMBOLS[i % EVENT_KIND_SYMBOLS.length]!;
    const ts = 1_764_367_200_000_000_000n + BigInt(i) * 1_000_003n + BigInt(r.int(999));
    const e = (i % 3 === 0 ? sampleEvent : sampleEnrichedEvent)(kind, { id: `n-${i}-${odd()}`, ts, node: odd() });
    if (i % 7 === 0) e.process = null;
    else if (e.process) {
      e.process = sampleProcess({
        pid: r.int(2 ** 32), comm: odd(), exe: odd(), args: list(), cwd: r.next() < 0.3 ? null : odd(), tty: r.next() < 0.5 ? null : odd(),
        cgroup_id: r.int(2 ** 52), container_id: r.next() < 0.3 ? null : odd(), start_time: ts - BigInt(r.int(10 ** 9)),
        ancestors: Array.from({ length: r.int(4) }, () => ({ pid: r.int(2 ** 31), comm: odd(), exe: odd(), args: list() })),
      });
    }
    if (e.k8s) e.k8s = { ...e.k8s, namespace: r.next() < 0.2 ? null : odd(), pod: odd(), pod_labels: map(), namespace_labels: map(), pod_annotations: map(), host_path_mounts: list(), privileged: r.next() < 0.5 };
    if (e.file) e.file = { ...e.file, path: odd(), new_path: r.next() < 0.5 ? null : odd(), flags: r.int(2 ** 32) };
    if (e.net) e.net = { ...e.net, src_addr: r.next() < 0.3 ? null : odd(), dst_addr: r.pick([null, '10.1.2.3', '2001:db8::1', odd()]), dst_port: r.int(65_536) };
    return e;
  });
}

const src = (i: number) => ({ topic: 'tracehound.events.enriched', partition: i % 6, offset: String(2n ** 60n + BigInt(i)) });
const events = variedEvents(600);

const records = events.map((value, i) => ({ value, ...src(i) }));
/** An event's `events` column values in insertColumns(EVENTS) order (rows as value arrays). */
const eventValues = (value: Event, s: ReturnType<typeof src>) => EVENT_NATIVE_COLUMNS.map((get) => get({ value, ...s }));

t.test('Native rows store exactly what JSONCompactEachRow rows store, over varied events', async (t) => {
  t.ok(events.length > NATIVE_CHUNK_ROWS, 'the records are read in more than one chunk');
  const { ch, db: viaJson } = await migratedClickHouse(t);
  const { db: viaValues } = await migratedClickHouse(t);
  const { db: viaRecords } = await migratedClickHouse(t);
  const columns = insertColumns(EVENTS);
  await insertRows(ch, viaJson, EVENTS, events.map((e, i) => { const r = eventToRow(e, src(i)); return columns.map((c) => r[c]); }), { format: 'JSONCompactEachRow', token: 'a' });
  await insertRows(ch, viaValues, EVENTS, events.map((e, i) => eventValues(e, src(i))), { format: 'Native', token: 'a' });
  await insertRows(ch, viaRecords, EVENTS, records, { format: 'Native', token: 'a', columns: EVENT_NATIVE_COLUMNS });
  const read = (db: string) => selectRows<Record<string, unknown>>(ch, `SELECT *, toString(net_dst_ip) AS ip, toString(toUnixTimestamp64Nano(ts)) AS ns FROM ${db}.events ORDER BY kafka_offset`);
  const a = await read(viaJson);
  t.equal(a.length, events.length, 'every event stored through JSON');
  for (const [how, db] of [['value arrays', viaValues], ['records read through EVENT_NATIVE_COLUMNS', viaRecords]] as const) {
    const b = await read(db);
    t.equal(b.length, events.length, `every event stored through Native from ${how}`);
    let same = 0;
    for (const [i, row] of a.entries()) if (JSON.stringify(row) === JSON.stringify(b[i])) same++;
    t.equal(same, events.length, `${how}: every row equal, column by column`);
    const first = b.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(a[i]));
    if (first >= 0) t.same(b[first], a[first], `first differing row: ${events[first]!.id}`);
  }
  const [rollup] = await selectRows<{ j: string; v: string; r: string }>(ch, `SELECT (SELECT sum(events) FROM ${viaJson}.events_per_minute) AS j, (SELECT sum(events) FROM ${viaValues}.events_per_minute) AS v, (SELECT sum(events) FROM ${viaRecords}.events_per_minute) AS r`);
  t.same(rollup, { j: String(events.length), v: String(events.length), r: String(events.length) }, 'the roll-up view counts Native inserts alike');
});

t.test('encodeNative writes the bytes the engine itself writes for the same rows', async (t) => {
  const { ch, db } = await migratedClickHouse(t);
  const columns = insertColumns(EVENTS);
  const some = events.slice(0, 200);
  await insertRows(ch, db, EVENTS, some.map((e, i) => eventToRow(e, src(i))), { token: 'b' });
  const path = join(sharedDataDir()!, `native-${process.pid}.bin`);
  const casts = nativeStructure(EVENTS).split(/, (?=[a-z_0-9]+ )/).map((c) => { const [name, ...type] = c.split(' '); return `CAST(${name} AS ${type.join(' ')}) AS ${name}`; });
  t.equal(casts.length, columns.length);
  await ch.command({ query: `INSERT INTO FUNCTION file('${path}', 'Native') SELECT ${casts.join(', ')} FROM ${db}.events ORDER BY kafka_offset` });
  const engine = readFileSync(path);
  const ours = encodeNative(EVENTS, some.map((e, i) => eventValues(e, src(i))));
  t.equal(ours.length, engine.length, 'same length');
  t.ok(ours.equals(engine), 'byte for byte');
  t.ok(encodeNative(EVENTS, records.slice(0, 200), EVENT_NATIVE_COLUMNS).equals(engine), 'byte for byte from records read through EVENT_NATIVE_COLUMNS');
  // Read in chunks of 64 rows (offsets carried from chunk to chunk), still one block: the same bytes.
  t.ok(encodeNative(EVENTS, records.slice(0, 200), EVENT_NATIVE_COLUMNS, 64).equals(engine), 'byte for byte when the records are read 64 at a time');
  t.ok(encodeNative(EVENTS, records.slice(0, 200), EVENT_NATIVE_COLUMNS, 1).equals(engine), 'and one at a time');
  t.ok(encodeNative(EVENTS, records.slice(0, 200), EVENT_NATIVE_COLUMNS).equals(engine), 'and again (the column streams are reused from payload to payload)');
});

t.test('encoding with turns for the event loop writes the same payloads, also several at once for one table', async (t) => {
  const whole = encodeNative(EVENTS, records, EVENT_NATIVE_COLUMNS);
  const firstHalf = encodeNative(EVENTS, records.slice(0, 300), EVENT_NATIVE_COLUMNS);
  const secondHalf = encodeNative(EVENTS, records.slice(300), EVENT_NATIVE_COLUMNS, 7);
  let turns = 0;
  let ticking = true;
  const tick = () => { if (ticking) { turns++; setImmediate(tick); } };
  setImmediate(tick);
  // Three at once for the same table, and a synchronous one while they are under way: each its own payload.
  const pending = [
    encodeNativeYielding(EVENTS, records, EVENT_NATIVE_COLUMNS, 64),
    encodeNativeYielding(EVENTS, records.slice(0, 300), EVENT_NATIVE_COLUMNS, 64),
    encodeNativeYielding(EVENTS, records.slice(300), EVENT_NATIVE_COLUMNS, 7),
  ];
  const during = encodeNative(EVENTS, records.slice(0, 300), EVENT_NATIVE_COLUMNS);
  const [a, b, c] = await Promise.all(pending);
  ticking = false;
  t.ok(a!.equals(whole), 'all 600 records');
  t.ok(b!.equals(firstHalf), 'the first 300');
  t.ok(c!.equals(secondHalf), 'the last 300, 7 at a time');
  t.ok(during.equals(firstHalf), 'a synchronous payload written while the others were under way');
  t.ok(turns >= 600 / 64 - 1, `the event loop ran ${turns} times while they were written`);
  t.ok(encodeNative(EVENTS, records, EVENT_NATIVE_COLUMNS).equals(whole), 'and the table\'s own streams are right afterwards');
  const values = events.slice(0, 100).map((e, i) => eventValues(e, src(i)));
  t.ok((await encodeNativeYielding(EVENTS, values, undefined, 16)).equals(encodeNative(EVENTS, values)), 'rows given as value arrays');
  await t.rejects(encodeNativeYielding(EVENTS, records, EVENT_NATIVE_COLUMNS.slice(1) as never), /column readers/, 'a wrong reader count is refused');
});

t.test('a payload handed over as parts: the same bytes, untouched until sent; the table\'s next payload waits for the send', async (t) => {
  const whole = encodeNative(EVENTS, records, EVENT_NATIVE_COLUMNS);
  const firstHalf = encodeNative(EVENTS, records.slice(0, 300), EVENT_NATIVE_COLUMNS);
  const order: string[] = [];
  let sendingFirst!: () => void;
  const firstIsSending = new Promise<void>((r) => (sendingFirst = r));
  let finishFirst!: () => void;
  const firstMayFinish = new Promise<void>((r) => (finishFirst = r));
  const first = withNativePayload(EVENTS, records, EVENT_NATIVE_COLUMNS, async (parts) => {
    order.push('first sending');
    sendingFirst();
    await firstMayFinish;
    order.push('first sent');
    return parts;
  }, 64);
  const second = withNativePayload(EVENTS, records.slice(0, 300), EVENT_NATIVE_COLUMNS, async (parts) => {
    order.push('second sending');
    return Buffer.concat(parts);
  });
  await firstIsSending;
  // While the first payload's parts are out, a synchronous payload of the table writes into streams of its own.
  const during = encodeNative(EVENTS, records.slice(0, 300), EVENT_NATIVE_COLUMNS);
  const firstParts = await (finishFirst(), first);
  t.ok(Buffer.concat(firstParts).equals(whole), 'the parts of all 600 records, joined, are the payload encodeNative writes');
  t.ok(firstParts.length > insertColumns(EVENTS).length, `${firstParts.length} parts: views of the column streams, not one buffer`);
  t.ok((await second).equals(firstHalf), 'the payload queued behind it');
  t.ok(during.equals(firstHalf), 'the synchronous payload written meanwhile');
  t.same(order, ['first sending', 'first sent', 'second sending'], 'the second payload was written only once the first was sent');
  await t.rejects(withNativePayload(EVENTS, records, EVENT_NATIVE_COLUMNS, async () => Promise.reject(new Error('send failed'))), /send failed/, 'a failed send passes its error on');
  t.ok((await withNativePayload(EVENTS, records, EVENT_NATIVE_COLUMNS, async (parts) => Buffer.concat(parts))).equals(whole), 'and frees the table\'s streams for the next payload');
});

t.test('a value Native cannot carry is refused as bad data, nothing stored', async (t) => {
  const { ch, db } = await migratedClickHouse(t);
  const bad = eventValues(sampleEnrichedEvent('process_exec', { id: 'bad' }), src(0));
  bad[insertColumns(EVENTS).indexOf('pid')] = -5;
  await t.rejects(insertRows(ch, db, EVENTS, [bad], { format: 'Native' }), { code: 'TH_ERR_CLICKHOUSE_DATA' });
  const [r] = await selectRows<{ n: string }>(ch, `SELECT toString(count()) AS n FROM ${db}.events`);
  t.equal(r!.n, '0');
});

t.test('the sink tables Native can write', async (t) => {
  t.ok(nativeSupported(EVENTS), 'events');
  t.ok(nativeSupported(ALERTS), 'alerts');
  t.notOk(nativeSupported({ ...EVENTS, columns: [{ name: 'x', type: 'Decimal(10, 2)' }] }), 'an unknown type is named as unsupported');
});

/** A table of every scalar type the encoder writes, to try its edges. */
const EDGES: TableSpec = {
  name: 'edges',
  engine: 'MergeTree',
  orderBy: 'tuple()',
  columns: [
    { name: 'u8', type: 'UInt8' }, { name: 'u16', type: 'UInt16' }, { name: 'u32', type: 'UInt32' }, { name: 'i32', type: 'Int32' },
    { name: 'u64', type: 'UInt64' }, { name: 'i64', type: 'Int64' }, { name: 'ns', type: "DateTime64(9, 'UTC')" }, { name: 's', type: 'String' },
  ],
};

t.test('every scalar column type: its edge values are stored exactly, a value past them is refused', async (t) => {
  const { ch, ctx } = await migratedClickHouse(t);
  for (const sql of createTable(ctx, EDGES)) await ch.command({ query: sql });
  const rows = [
    [0, 0, 0, -(2 ** 31), 0, -(2n ** 63n), -1n, ''],
    [255, 65_535, 2 ** 32 - 1, 2 ** 31 - 1, 2n ** 64n - 1n, 2n ** 63n - 1n, 1_764_367_200_123_456_789n, 'é'.repeat(100)],
    [1, 2, 3, -4, '18446744073709551615', '-9223372036854775808', 2 ** 53 - 1, 'x'.repeat(200)],
    [null, undefined, null, null, 2 ** 53 + 2, -(2 ** 53) + 1, -1_000_000_001, null],
    [7, 8, 9, 10, '123456789012345', 4_294_967_296 * 3 + 5, '1764367200000000001', '日本'],
  ];
  const payload = encodeNative(EDGES, rows);
  await insertRows(ch, ctx.database, EDGES, rows, { format: 'Native' });
  const got = await selectRows<Record<string, string>>(ch, `SELECT toString(u8) u8, toString(u16) u16, toString(u32) u32, toString(i32) i32, toString(u64) u64, toString(i64) i64, toString(toUnixTimestamp64Nano(ns)) ns, s FROM ${ctx.database}.edges`);
  const want = rows.map((r) => {
    const [u8, u16, u32, i32, u64, i64, ns, s] = r.map((v, i) => (v === null || v === undefined ? (i === 7 ? '' : '0') : String(v)));
    return { u8, u16, u32, i32, u64, i64, ns, s };
  });
  const sorted = (l: object[]) => l.map((r) => JSON.stringify(r)).sort();
  t.same(sorted(got), sorted(want), 'each value as written');
  const ok = rows[2]!;
  const bad: Array<[number, unknown]> = [[0, 256], [0, -1], [1, 65_536], [2, 2 ** 32], [2, 1.5e10], [3, 2 ** 31], [3, -(2 ** 31) - 1], [4, -1], [4, 2n ** 64n], [4, '12x'], [4, 1.5],
    [5, 2n ** 63n], [5, -(2n ** 63n) - 1n], [5, 'abc'], [6, 2n ** 63n], [2, Number.NaN], [2, 'seven']];
  for (const [col, v] of bad) {
    const row: unknown[] = [...ok];
    row[col] = v;
    await t.rejects(insertRows(ch, ctx.database, EDGES, [row], { format: 'Native' }), { code: 'TH_ERR_CLICKHOUSE_DATA' }, `${EDGES.columns[col]!.name} = ${String(v)} refused`);
  }
  const [n] = await selectRows<{ n: string }>(ch, `SELECT toString(count()) AS n FROM ${ctx.database}.edges`);
  t.equal(n!.n, String(rows.length), 'nothing of a refused payload stored');
  t.ok(encodeNative(EDGES, rows).equals(payload), 'a payload refused halfway leaves nothing behind in the next one');
});

/** The corpus as valid Avro events (pids and flags are Avro ints). */
const avroEvents = events.map((e) => {
  const v: Event = { ...e };
  if (v.process) v.process = { ...v.process, pid: v.process.pid % 2 ** 31 };
  if (v.file) v.file = { ...v.file, flags: v.file.flags % 2 ** 31 };
  return v;
});
const EVENT_TYPE = avroType('tracehound.Event');
const bodyRecord = (body: Buffer, i: number) => ({ value: { body }, ...src(i) });

t.test('eventBodyColumns writes from Avro bodies the bytes EVENT_NATIVE_COLUMNS writes from the decoded events', async (t) => {
  const extremes = [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n].map((ts, i) => sampleEnrichedEvent('file_open', { id: `x-${i}`, ts, process: sampleProcess({ start_time: -ts - 1n, cgroup_id: 2 ** 52 + 1, uid: 2 ** 32 - 1 }) }));
  const corpus = [...avroEvents, ...extremes];
  t.same(corpus.filter((e) => !EVENT_TYPE.isValid(e)).map((e) => e.id), [], 'every event is valid Avro');
  const bodies = corpus.map((e) => EVENT_TYPE.toBuffer(e));
  // What the sink decoded before: the same bodies as objects.
  const decoded = bodies.map((b, i) => ({ value: EVENT_TYPE.fromBuffer(b) as Event, ...src(i) }));
  const direct = eventBodyColumns();
  for (const chunk of [NATIVE_CHUNK_ROWS, 7]) {
    const fromBodies = encodeNative(EVENTS, bodies.map(bodyRecord), direct, chunk);
    const fromObjects = encodeNative(EVENTS, decoded, EVENT_NATIVE_COLUMNS, chunk);
    if (!fromBodies.equals(fromObjects)) {
      const i = bodies.findIndex((b, j) => !encodeNative(EVENTS, [bodyRecord(b, j)], direct).equals(encodeNative(EVENTS, [decoded[j]!], EVENT_NATIVE_COLUMNS)));
      t.fail(`payloads differ (chunks of ${chunk}); first differing event alone: ${i} (${corpus[i]?.kind})`);
    } else t.pass(`the same ${fromBodies.length} bytes for ${corpus.length} events in chunks of ${chunk}`);
  }
  // The extremes are left out here: the table's TTL drops rows of 1970 and before when they are inserted.
  const { ch, db } = await migratedClickHouse(t);
  await insertRows(ch, db, EVENTS, bodies.slice(0, avroEvents.length).map(bodyRecord), { format: 'Native', token: 'b', columns: direct });
  const [stored] = await selectRows<{ n: string; ns: string }>(ch, `SELECT toString(count()) AS n, toString(sum(length(namespace))) AS ns FROM ${db}.events`);
  t.equal(stored!.n, String(avroEvents.length), 'the engine takes the payload: every event stored');
  t.equal(stored!.ns, String(avroEvents.reduce((n, e) => n + Buffer.byteLength(e.k8s?.namespace ?? e.audit?.namespace ?? ''), 0)), 'namespaces as sent (k8s, else the audit namespace)');
});

t.test('eventBodyColumns: a body that does not read fails the payload naming its record; a value out of range fails as on the object path', async (t) => {
  const direct = eventBodyColumns();
  const good = avroEvents.slice(0, 9).map((e) => EVENT_TYPE.toBuffer(e));
  const refused = (bad: Buffer, why: RegExp, name: string) => {
    const rows = good.map(bodyRecord);
    rows.splice(4, 0, bodyRecord(bad, 4));
    try {
      encodeNative(EVENTS, rows, direct);
      t.fail(`${name}: encoded`);
    } catch (err) {
      const e = err as TracehoundError;
      t.ok(e.code === 'TH_ERR_DECODE' && e.details.record === rows[4] && why.test(e.message), `${name}: ${e.message}`);
    }
  };
  const whole = EVENT_TYPE.toBuffer(avroEvents[1]!);
  let cuts = 0;
  for (let len = 0; len < whole.length; len++) {
    try {
      encodeNative(EVENTS, [bodyRecord(whole.subarray(0, len), 0)], direct);
    } catch (err) {
      if ((err as TracehoundError).code === 'TH_ERR_DECODE') cuts++;
    }
  }
  t.equal(cuts, whole.length, `each of the ${whole.length} shorter bodies is refused`);
  refused(whole.subarray(0, whole.length - 3), /truncated/, 'cut 3 bytes short');
  refused(Buffer.concat([whole, Buffer.from([0])]), /1 bytes of trailing data/, 'one byte too many');
  const e = avroEvents[1]!;
  const fields = (EVENT_TYPE as unknown as { fields: Array<{ name: string; type: { toBuffer(v: unknown): Buffer } }> }).fields;
  const head = (n: number) => Buffer.concat(fields.slice(0, n).map((f) => f.type.toBuffer((e as unknown as Record<string, unknown>)[f.name])));
  const tail = (n: number) => Buffer.concat(fields.slice(n).map((f) => f.type.toBuffer((e as unknown as Record<string, unknown>)[f.name])));
  t.ok(Buffer.concat([head(4), tail(4)]).equals(whole), 'the body is its fields one after another');
  refused(Buffer.concat([head(3), Buffer.from([0xc8, 0x01]), tail(4)]), /enum tracehound.EventKind index 100 out of range/, 'kind 100');
  refused(Buffer.concat([head(4), Buffer.from([4]), tail(5)]), /union branch 2 of enrichment out of range/, 'enrichment branch 2');
  const wide = sampleEnrichedEvent('process_exec', { process: sampleProcess({ uid: 2 ** 32 }) });
  t.throws(() => encodeNative(EVENTS, [bodyRecord(EVENT_TYPE.toBuffer(wide), 0)], direct), /UInt32 value out of range: 4294967296/, 'uid 2^32 from a body');
  t.throws(() => encodeNative(EVENTS, [{ value: wide, ...src(0) }], EVENT_NATIVE_COLUMNS), /UInt32 value out of range: 4294967296/, 'and from the object');
});
