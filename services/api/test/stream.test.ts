import t from 'tap';
import { sampleAlert, sampleEnrichedEvent, type Alert } from '@tracehound/schemas';
import { kafkaApi } from './kafka-helpers.js';

function alertIn(ns: string, id: string): Alert {
  const ev = sampleEnrichedEvent('process_exec', { id: `ev-${id}` });
  ev.k8s = { ...ev.k8s!, namespace: ns };
  return sampleAlert({ id, ts: BigInt(Date.now()) * 1_000_000n, event: ev });
}

/** Reads an SSE response, collecting `event: alert` payloads as they arrive. */
function collect(res: Response) {
  const got: Array<{ at: number; data: { id: string; namespace: string } }> = [];
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (/^event: alert$/m.test(frame) && data) got.push({ at: Date.now(), data: JSON.parse(data) });
      }
    }
  })();
  return { got, cancel: () => reader.cancel().catch(() => undefined) };
}

t.test('SSE delivers a new alert within 2 s, only to callers whose namespaces include it (integration)', async (t) => {
  const { a, sendAlert } = await kafkaApi(t, 'api-sse');
  await a.api.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(a.api.app.server.address() as { port: number }).port}`;
  const shop = await a.user('viewer', ['shop']);
  const billing = await a.user('viewer', ['billing']);
  const open = async (token: string) => {
    const res = await fetch(`${base}/api/v1/stream/alerts`, { headers: { authorization: `Bearer ${token}` } });
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /text\/event-stream/);
    return collect(res);
  };
  const s1 = await open(shop);
  const s2 = await open(billing);
  const sAll = await open(a.admin);
  t.teardown(() => Promise.all([s1.cancel(), s2.cancel(), sAll.cancel()]));
  const sent = Date.now();
  await sendAlert(alertIn('shop', 'live-1'));
  const deadline = Date.now() + 5_000;
  while (s1.got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.equal(s1.got[0]?.data.id, 'live-1');
  const latency = s1.got[0]!.at - sent;
  t.ok(latency < 2_000, `delivered in ${latency} ms`);
  await new Promise((r) => setTimeout(r, 500));
  t.equal(s2.got.length, 0, 'a caller without the namespace gets nothing');
  t.equal(sAll.got.length, 1, 'a caller with all namespaces gets it');
  t.equal(a.api.live.size, 3);
  t.equal((await fetch(`${base}/api/v1/stream/alerts`)).status, 401, 'no token, no stream');
});

t.test('many concurrent streams: past the limit a clear 503, the server stays responsive', async (t) => {
  const { a } = await kafkaApi(t, 'api-sse-limit', { sseMaxClients: 40, rateLimitPerMinute: 100_000 });
  await a.api.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(a.api.app.server.address() as { port: number }).port}`;
  const users = await Promise.all([0, 1, 2, 3].map((i) => a.user('viewer', '*', `crowd${i}`)));
  const controllers: AbortController[] = [];
  // The open responses are kept reachable: fetch cancels the body of a Response that is garbage
  // collected, which would close its stream and free a slot mid-test.
  const served: Response[] = [];
  const statuses = await Promise.all(Array.from({ length: 160 }, async (_, i) => {
    const c = new AbortController();
    controllers.push(c);
    const res = await fetch(`${base}/api/v1/stream/alerts`, { headers: { authorization: `Bearer ${users[i % 4]}` }, signal: c.signal });
    if (res.status !== 200) t.match(await res.json(), { error: 'TH_ERR_UNAVAILABLE', message: /too many live streams/ });
    else served.push(res);
    return res.status;
  }));
  t.teardown(() => controllers.forEach((c) => c.abort()));
  t.equal(statuses.filter((s) => s === 200).length, 40, 'exactly the limit is served');
  t.equal(statuses.filter((s) => s === 503).length, 120, 'the rest are refused at once');
  t.equal((await fetch(`${base}/healthz`)).status, 200, 'still responsive');
  t.equal(a.api.live.size, served.length, 'every served stream is still open');
  controllers.forEach((c) => c.abort());
  const deadline = Date.now() + 5_000;
  while (a.api.live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.equal(a.api.live.size, 0, 'closed streams are released');
});
