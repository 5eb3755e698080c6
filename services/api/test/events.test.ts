import t from 'tap';
import { EVENTS, eventToRow, insertRows } from '@tracehound/clickhouse';
import { sampleEnrichedEvent, type Event } from '@tracehound/schemas';
import { DB, NOW_NS, seedEvents, storeEvents, testApi } from './helpers.js';

t.test('every filter returns exactly the matching events', async (t) => {
  const a = await testApi(t);
  const events = seedEvents(400);
  await storeEvents(a.ch, events);
  const ids = (es: Event[]) => es.map((e) => e.id).sort();
  const query = async (qs: string) => {
    const r = await a.get(`/api/v1/events?limit=1000&${qs}`, a.admin);
    t.equal(r.status, 200, qs);
    return (r.body.items as Array<{ id: string }>).map((x) => x.id).sort();
  };
  const ns = (e: Event) => e.k8s?.namespace ?? '';
  const cases: Array<[string, (e: Event) => boolean]> = [
    ['', () => true],
    ['namespace=shop', (e) => ns(e) === 'shop'],
    ['namespace=shop&namespace=billing', (e) => ['shop', 'billing'].includes(ns(e))],
    ['pod=shop-pod-1', (e) => e.k8s?.pod === 'shop-pod-1'],
    ['container=sidecar', (e) => e.k8s?.container === 'sidecar'],
    ['workload=billing-web', (e) => e.k8s?.workload_name === 'billing-web'],
    ['node=node-1', (e) => e.node === 'node-1'],
    ['kind=file_open&kind=priv_change', (e) => ['file_open', 'priv_change'].includes(e.kind)],
    ['comm=bash', (e) => e.process?.comm === 'bash'],
    ['exe=%2Fusr%2Fbin%2Fcurl', (e) => e.process?.exe === '/usr/bin/curl'],
    ['path=%2Fetc%2F', (e) => e.file?.path.startsWith('/etc/') === true],
    ['dst=169.254.169.254', (e) => e.net?.dst_addr === '169.254.169.254'],
    ['dst=10.0.2.0%2F24', (e) => e.net?.dst_addr?.startsWith('10.0.2.') === true],
    ['dst=2001%3Adb8%3A%3A%2F32', (e) => e.net?.dst_addr === '2001:db8::7'],
    ['port=80', (e) => e.kind === 'net_connect' && e.net?.dst_port === 80],
    ['uid=0', (e) => e.process?.uid === 0],
    ['enrichment=host', (e) => e.enrichment === 'host'],
    ['q=gr%C3%BC%C3%9FE', (e) => e.process?.args.includes('Grüße 世界') === true],
    ['q=ARG-13', (e) => e.process?.args.some((x) => x.toLowerCase().includes('arg-13')) === true],
    ['namespace=shop&kind=process_exec&comm=bash', (e) => ns(e) === 'shop' && e.kind === 'process_exec' && e.process?.comm === 'bash'],
    [`from=${NOW_NS - 100_000_000n}`, (e) => e.ts >= NOW_NS - 100_000_000n],
    [`from=${new Date(Number((NOW_NS - 200_000_000n) / 1_000_000n)).toISOString()}&to=${NOW_NS - 100_000_000n}`, (e) => e.ts >= NOW_NS - 200_000_000n && e.ts < NOW_NS - 100_000_000n],
  ];
  for (const [qs, pred] of cases) {
    const want = ids(events.filter(pred));
    t.ok(want.length > 0 && (want.length < events.length || qs === ''), `${qs}: the case selects some, not all`);
    t.same(await query(qs), want, `${qs || 'no filter'}: ${want.length} events`);
  }
});

t.test('events come back whole: nanoseconds, ISO time, labels, details', async (t) => {
  const a = await testApi(t);
  const e = sampleEnrichedEvent('file_open', { id: 'one', ts: NOW_NS + 123n });
  await storeEvents(a.ch, [e]);
  const r = await a.get('/api/v1/events', a.admin);
  const x = r.body.items[0];
  t.equal(x.ts, (NOW_NS + 123n).toString(), 'ts is the exact nanosecond count as a decimal string');
  t.match(x.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
  t.equal(x.time.slice(-10), `${(NOW_NS + 123n).toString().slice(-9)}Z`);
  t.same(x.pod_labels, e.k8s!.pod_labels);
  t.same(x.details, { file: e.file });
  t.equal(x.process_start, e.process!.start_time.toString());
  t.equal(x.kafka_offset, undefined, 'internal bookkeeping is not exposed');
});

t.test('cursor pagination over 100k rows returns every row exactly once, also while rows are inserted', async (t) => {
  const a = await testApi(t, { rateLimitPerMinute: 100_000 });
  const N = 100_000;
  await storeEvents(a.ch, seedEvents(N, 'p'));
  const seen = new Set<string>();
  let cursor: string | null = '';
  let pages = 0;
  let inserted = 0;
  while (cursor !== null) {
    const r = await a.get(`/api/v1/events?limit=1000&from=${NOW_NS - 10n ** 15n}${cursor ? `&cursor=${cursor}` : ''}`, a.admin);
    t.equal(r.status, 200);
    for (const x of r.body.items as Array<{ id: string }>) {
      if (seen.has(x.id)) t.fail(`duplicate ${x.id}`);
      seen.add(x.id);
    }
    cursor = r.body.nextCursor;
    // Concurrent writers: newer events (above the cursor) and older ones (below it) arrive mid-walk.
    if (pages++ % 10 === 0) {
      const fresh = [sampleEnrichedEvent('file_open', { id: `new-${pages}`, ts: NOW_NS + BigInt(pages) }), sampleEnrichedEvent('file_open', { id: `old-${pages}`, ts: NOW_NS - 10n ** 14n - BigInt(pages) })];
      await insertRows(a.ch, DB, EVENTS, fresh.map((e) => eventToRow(e, { topic: 't', partition: 0, offset: '0' })));
      inserted += 2;
    }
  }
  const originals = [...seen].filter((id) => id.startsWith('p-')).length;
  t.equal(originals, N, 'every stored row once');
  t.ok(pages >= 100, `${pages} pages`);
  t.ok([...seen].filter((id) => id.startsWith('old-')).length > 0, `rows inserted behind the cursor are reached (${inserted} inserted)`);
});

t.test('an event by id: its ancestry and the other events of its process', async (t) => {
  const a = await testApi(t);
  const proc = sampleEnrichedEvent('process_exec').process!;
  const mine = [0, 1, 2].map((i) => sampleEnrichedEvent(i ? 'file_open' : 'process_exec', { id: `mine-${i}`, ts: NOW_NS + BigInt(i) }));
  const other = sampleEnrichedEvent('file_open', { id: 'other', ts: NOW_NS + 5n, process: { ...proc, pid: 9999 } });
  await storeEvents(a.ch, [...mine, other]);
  const r = await a.get('/api/v1/events/mine-0', a.admin);
  t.equal(r.status, 200);
  t.equal(r.body.event.id, 'mine-0');
  t.same(r.body.ancestry, proc.ancestors, 'parent first, each with pid, comm, exe and args');
  t.same(r.body.related.map((x: { id: string }) => x.id), ['mine-1', 'mine-2'], 'same process only, in time order');
  t.match(await a.get('/api/v1/events/nope', a.admin), { status: 404, body: { error: 'TH_ERR_NOT_FOUND' } });
});
