import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '@tracehound/api';
import { createClickHouse } from '@tracehound/clickhouse';
import { silentLogger } from '@tracehound/logging';
import { DIST, ensureUiBuilt } from './build.js';

async function api(t: Test, uiDir: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'th-ui-serve-'));
  const ch = createClickHouse({ dataDir, database: 'ui' });
  const a = await buildApi({ clickhouse: ch, ddl: { database: 'ui', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } }, logger: silentLogger(), ui: { uiDir } });
  t.teardown(async () => {
    await a.close();
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return a;
}

t.test('without a UI build, /ui/ answers 503 with what to run, and the API still works', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'th-ui-nodist-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const a = await api(t, join(empty, 'dist'));
  for (const url of ['/ui/', '/ui/events?kind=x', '/ui']) {
    const r = await a.app.inject({ url });
    t.equal(r.statusCode, 503, url);
    t.match(r.body, /web UI is not built.*scripts\/setup\.sh/s, `${url}: says what to run`);
  }
  t.equal((await a.app.inject({ url: '/' })).headers.location, '/ui/', '/ leads to the UI');
  t.equal((await a.app.inject({ url: '/api/v1/events' })).statusCode, 401, 'the API is untouched');
  t.equal((await a.app.inject({ url: '/healthz' })).statusCode, 200);
});

t.test('with a build: the app shell for UI routes, hashed assets cached for good, no token needed for files, none leaked to other paths', async (t) => {
  ensureUiBuilt();
  const a = await api(t, DIST);
  const shell = await a.app.inject({ url: '/ui/' });
  t.equal(shell.statusCode, 200);
  t.match(shell.headers['content-type'], /text\/html/);
  t.equal(shell.headers['cache-control'], 'no-cache');
  t.match(shell.headers['content-security-policy'], /script-src 'self'/, 'the API\'s CSP covers the UI');
  const deep = await a.app.inject({ url: '/ui/events?namespace=shop&event=x' });
  t.equal(deep.statusCode, 200, 'a deep link gets the shell');
  t.equal(deep.body, shell.body);
  const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(shell.body)![1]!;
  const js = await a.app.inject({ url: asset });
  t.equal(js.statusCode, 200);
  t.match(js.headers['content-type'], /javascript/);
  t.match(js.headers['cache-control'], /immutable/);
  const br = await a.app.inject({ url: asset, headers: { 'accept-encoding': 'gzip, br' } });
  t.equal(br.headers['content-encoding'], 'br', 'precompressed brotli for a browser that takes it');
  t.ok(br.rawPayload.length < js.rawPayload.length / 2, `${br.rawPayload.length} bytes instead of ${js.rawPayload.length}`);
  t.equal((await a.app.inject({ url: '/ui/assets/missing-123.js' })).statusCode, 404, 'a missing asset is a 404, not the shell');
  t.equal((await a.app.inject({ method: 'POST', url: '/ui/events' })).statusCode, 404);
  t.equal((await a.app.inject({ url: '/ui/../package.json' })).statusCode, 404, 'no path outside the build');
  const apiMiss = await a.app.inject({ url: '/api/v1/nope' });
  t.match(apiMiss.headers['content-type'], /application\/json/, 'API answers stay JSON, never the shell');
});
