import t from 'tap';
import { counter } from '@tracehound/metrics';
import { startOpsServer } from '../src/index.js';

t.test('healthz, readyz and metrics over real HTTP', async (t) => {
  let ready = false;
  const app = await startOpsServer({ host: '127.0.0.1', port: 0, ready: () => ready, details: () => ({ lag: 3 }) });
  t.teardown(() => app.close());
  const addr = app.server.address() as { port: number };
  const base = `http://127.0.0.1:${addr.port}`;
  counter({ name: 'tracehound_test_things_total', help: 'things' }).inc(7);
  t.same(await (await fetch(`${base}/healthz`)).json(), { status: 'ok', ready: false, lag: 3 });
  t.equal((await fetch(`${base}/readyz`)).status, 503);
  ready = true;
  t.equal((await fetch(`${base}/readyz`)).status, 200);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  t.match(metrics, /tracehound_test_things_total 7/);
});
