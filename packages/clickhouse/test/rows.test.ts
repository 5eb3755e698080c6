import t from 'tap';
import { EVENT_KIND_SYMBOLS, sampleAlert, sampleEnrichedEvent, sampleEvent, type Event } from '@tracehound/schemas';
import { ALERTS, EVENT_SELECT, EVENTS, alertToRow, eventToRow, insertRows, nsToIso, rowToEvent, selectRows, type EventRow } from '../src/index.js';
import { migratedClickHouse } from './helpers.js';

t.test('every kind of event survives the trip into ClickHouse and back, nanoseconds included', async (t) => {
  const { ch, db } = await migratedClickHouse(t);
  const events: Event[] = [];
  for (const kind of EVENT_KIND_SYMBOLS) {
    events.push(sampleEnrichedEvent(kind, { id: `enriched-${kind}`, ts: 1_764_367_200_123_456_789n + BigInt(events.length) }));
    events.push(sampleEvent(kind, { id: `raw-${kind}`, ts: 1_764_367_200_000_000_001n + BigInt(events.length) }));
  }
  const src = { topic: 't', partition: 0, offset: '0' };
  await insertRows(ch, db, EVENTS, events.map((e, i) => eventToRow(e, { ...src, offset: String(i) })));
  const rows = await selectRows<EventRow>(ch, `SELECT ${EVENT_SELECT} FROM ${db}.events ORDER BY kafka_offset`);
  t.equal(rows.length, events.length);
  for (const [i, r] of rows.entries()) t.same(rowToEvent(r), events[i], `${events[i]!.id} round-trips`);
});

t.test('IPv4 and IPv6 destinations share one range-searchable column', async (t) => {
  const { ch, db } = await migratedClickHouse(t);
  const mk = (id: string, dst: string | null) => eventToRow(sampleEnrichedEvent('net_connect', { id, net: { ...sampleEnrichedEvent('net_connect').net!, dst_addr: dst } }), { topic: 't', partition: 0, offset: '1' });
  await insertRows(ch, db, EVENTS, [mk('v4', '10.1.2.3'), mk('v6', '2001:db8::1'), mk('none', null), mk('junk', 'not an ip')]);
  const rows = await selectRows<{ id: string; ip: string }>(ch, `SELECT id, toString(net_dst_ip) AS ip FROM ${db}.events ORDER BY id`);
  t.same(rows, [{ id: 'junk', ip: '::' }, { id: 'none', ip: '::' }, { id: 'v4', ip: '::ffff:10.1.2.3' }, { id: 'v6', ip: '2001:db8::1' }]);
});

t.test('alerts keep the whole triggering event', async (t) => {
  const { ch, db } = await migratedClickHouse(t);
  const a = sampleAlert();
  await insertRows(ch, db, ALERTS, [alertToRow(a, { topic: 't', partition: 1, offset: '9' })]);
  const [r] = await selectRows<{ namespace: string; event: string; ts: string }>(ch, `SELECT namespace, event, toString(toUnixTimestamp64Nano(ts)) AS ts FROM ${db}.alerts`);
  t.equal(r!.namespace, 'shop');
  t.equal(r!.ts, a.ts.toString());
  t.equal(JSON.parse(r!.event).id, a.event.id);
  t.equal(nsToIso(1_764_367_200_123_456_789n), '2025-11-28T22:00:00.123456789Z');
});
