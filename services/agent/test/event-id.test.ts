import t from 'tap';
import { eventId, eventIds, hostPrefix } from '../src/event-id.js';

t.test('ids are stable for the same kernel event and differ otherwise', async (t) => {
  const p = hostPrefix('node-a');
  t.equal(p, hostPrefix('node-a'), 'same node, same boot → same prefix');
  t.not(p, hostPrefix('node-b'));
  t.match(p, /^[0-9a-f]{12}$/);
  const a = eventId(p, 123_456_789_012n, 4242, 1);
  t.equal(a, eventId(p, 123_456_789_012n, 4242, 1));
  t.not(a, eventId(p, 123_456_789_013n, 4242, 1));
  t.not(a, eventId(p, 123_456_789_012n, 4243, 1));
  t.not(a, eventId(p, 123_456_789_012n, 4242, 2));
  t.ok(eventId(p, 1n, 1, 1) < eventId(p, 2n, 1, 1), 'ids of one host sort by time');
});

t.test('the buffer-written id equals the plain one', async (t) => {
  const p = hostPrefix('node-a');
  const ids = eventIds(p);
  const cases: Array<[bigint, number, number]> = [
    [0n, 0, 0], [1n, 1, 1], [123_456_789_012n, 4242, 22], [2n ** 64n - 1n, 0xffffffff, 0xff], [2n ** 32n, 2 ** 31, 16],
    [1_796_041_630_648_000_123n, 123_456, 3], [0xfedcba9876543210n, -1, 0x0f], [7n, 9, 0x100],
  ];
  for (let i = 0; i < 200; i++) cases.push([BigInt.asUintN(64, BigInt(Math.floor(Math.random() * 2 ** 53)) * 2053n), Math.floor(Math.random() * 2 ** 32), Math.floor(Math.random() * 256)]);
  for (const [mono, tid, type] of cases) t.equal(ids(mono, tid, type), eventId(p, mono, tid, type), `${mono} ${tid} ${type}`);
  const a = ids(5n, 5, 5);
  ids(6n, 6, 6);
  t.equal(a, eventId(p, 5n, 5, 5), 'an id handed out is not changed by the next');
});
