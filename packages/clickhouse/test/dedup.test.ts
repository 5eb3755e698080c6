import t from 'tap';
import { sampleEnrichedEvent } from '@tracehound/schemas';
import { EVENTS, eventToRow, insertRows, selectRows } from '../src/index.js';
import { migratedClickHouse } from './helpers.js';

t.test('the engine drops a repeated insert with the same token, also in the roll-ups; another token is stored', async (t) => {
  const { ch, db } = await migratedClickHouse(t);
  // Rows on two days: the insert splits into two parts (partitions), each deduplicated on its own.
  const rows = Array.from({ length: 100 }, (_, i) =>
    eventToRow(sampleEnrichedEvent('file_open', { id: `e${i}`, ts: 1_764_367_200_000_000_000n + BigInt(i) * 3_600_000_000_000n }), { topic: 'tp', partition: 2, offset: String(1000 + i) }));
  for (let i = 0; i < 3; i++) await insertRows(ch, db, EVENTS, rows, { token: 'tp:2:1000-1099' });
  const count = async () => (await selectRows<{ rows: string; rolled: string; progress: string }>(ch,
    `SELECT (SELECT count() FROM ${db}.events) AS rows, (SELECT sum(events) FROM ${db}.events_per_minute) AS rolled, (SELECT max(kafka_offset) FROM ${db}.events WHERE kafka_topic = 'tp' AND kafka_partition = 2) AS progress`))[0]!;
  t.same(Object.values(await count()).map(Number), [100, 100, 1099], 'stored once; roll-up counts once; progress recorded');
  await insertRows(ch, db, EVENTS, rows.slice(0, 10), { token: 'tp:2:1000-1009' });
  t.equal(Number((await count()).rows), 110, 'a different token is a different insert');
  await t.rejects(insertRows(ch, db, EVENTS, rows, { token: "x'; DROP TABLE events; --" }), /bad insert deduplication token/);
  // The token belongs to its insert only: a later insert without one is not taken for a repeat.
  await insertRows(ch, db, EVENTS, rows.slice(0, 10));
  t.equal(Number((await count()).rows), 120, 'no token left behind in the session');
});
