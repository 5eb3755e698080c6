import t from 'tap';
import { DiskSpool, type SpoolRecord } from '../src/spool.js';

const rec = (i: number, size = 100): SpoolRecord => ({ topic: 't.events.raw', key: i % 3 ? Buffer.from(`k${i}`) : null, value: Buffer.alloc(size, i % 256) });
const ids = (rs: SpoolRecord[]) => rs.map((r) => r.value[0]);

t.test('records come back in order, across segments, and survive a restart', async (t) => {
  const dir = t.testdir();
  const s = new DiskSpool({ dir, maxBytes: 1_000_000, segmentBytes: 1_000 });
  s.append(Array.from({ length: 50 }, (_, i) => rec(i)));
  t.equal(s.records, 50);
  // A peek stays within one segment; draining takes several.
  const first: number[] = [];
  while (first.length < 20) {
    const a = s.peek(20 - first.length);
    if (first.length === 0) {
      t.equal(a.records[0]!.key, null);
      t.same(a.records[1]!.key, Buffer.from('k1'));
    }
    first.push(...(ids(a.records) as number[]));
    a.commit();
  }
  t.same(first, Array.from({ length: 20 }, (_, i) => i));
  t.equal(s.records, 30);
  s.close();

  const again = new DiskSpool({ dir, maxBytes: 1_000_000, segmentBytes: 1_000 });
  t.equal(again.records, 30, 'the cursor survived: delivered records are not resent');
  const got: number[] = [];
  for (;;) {
    const b = again.peek(7);
    if (!b.records.length) break;
    got.push(...(ids(b.records) as number[]));
    b.commit();
  }
  t.same(got, Array.from({ length: 30 }, (_, i) => i + 20));
  t.ok(again.empty);
  again.append([rec(99)]);
  t.same(ids(again.peek(10).records), [99], 'appending after a full drain works');
});

t.test('a full spool drops the oldest segment and counts what it dropped', async (t) => {
  const s = new DiskSpool({ dir: t.testdir(), maxBytes: 2_000, segmentBytes: 500 });
  s.append(Array.from({ length: 40 }, (_, i) => rec(i)));
  t.ok(s.bytes <= 2_000, `bytes ${s.bytes} within the bound`);
  t.equal(s.dropped + s.records, 40, 'every record is either kept or counted as dropped');
  t.ok(s.dropped > 0);
  const first = s.peek(1).records[0]!.value[0]!;
  t.equal(first, s.dropped, 'the oldest ones were dropped, the newest kept');
});

t.test('a torn tail after a crash is ignored', async (t) => {
  const dir = t.testdir();
  const s = new DiskSpool({ dir, maxBytes: 100_000, segmentBytes: 100_000 });
  s.append([rec(1), rec(2)]);
  s.close();
  const { appendFileSync, readdirSync } = await import('node:fs');
  appendFileSync(`${dir}/${readdirSync(dir).find((f) => f.endsWith('.seg'))}`, Buffer.from([200, 0, 0, 0, 1, 2]));
  const again = new DiskSpool({ dir, maxBytes: 100_000, segmentBytes: 100_000 });
  t.same(ids(again.peek(10).records), [1, 2]);
});

t.test('records larger than a peek window still come back whole, in order', async (t) => {
  const s = new DiskSpool({ dir: t.testdir(), maxBytes: 10_000_000, segmentBytes: 10_000_000 });
  s.append([rec(1, 50_000), rec(2, 10), rec(3, 9_000)]);
  const got: Array<[number, number]> = [];
  for (;;) {
    const b = s.peek(1); // a window of one record's worth of bytes
    if (!b.records.length) break;
    got.push(...b.records.map((r) => [r.value[0]!, r.value.length] as [number, number]));
    b.commit();
  }
  t.same(got, [[1, 50_000], [2, 10], [3, 9_000]]);
  t.ok(s.empty);
});
