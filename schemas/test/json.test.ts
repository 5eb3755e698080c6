import t from 'tap';
import { fromJson, sampleAlert, sampleEnrichedEvent, toJson } from '../src/index.js';

t.test('JSON form round-trips, nanoseconds as strings', async (t) => {
  const ev = sampleEnrichedEvent('file_open', { ts: 2n ** 62n + 3n });
  const text = toJson(ev);
  t.match(text, /"ts":"4611686018427387907"/);
  t.same(fromJson('tracehound.Event', JSON.parse(text)), ev);
  const alert = sampleAlert();
  t.same(fromJson('tracehound.Alert', JSON.parse(toJson(alert))), alert);
});

t.test('absent optional fields take their defaults; wrong fields are named', async (t) => {
  const minimal = { id: 'e1', ts: '1', node: 'n', kind: 'process_exec' };
  const ev = fromJson('tracehound.Event', minimal);
  t.equal(ev.process, null);
  t.equal(ev.ts, 1n);
  t.throws(() => fromJson('tracehound.Event', { ...minimal, kind: 'teleport' }), { code: 'TH_ERR_INVALID_INPUT', message: /kind/ });
  t.throws(() => fromJson('tracehound.Event', { ...minimal, ts: 'yesterday' }), { message: /ts/ });
});
