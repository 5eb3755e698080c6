import t from 'tap';
import { eventId, hostPrefix } from '../src/event-id.js';

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
