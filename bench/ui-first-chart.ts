/**
 * Time to first chart: how long the web UI's dashboard takes, in Chromium, from navigation to
 * the events chart drawn, over a large events table in embedded ClickHouse (10M rows by
 * default, generated once as bench/api-data.ts does). Baseline in the same run: the same
 * dashboard over a time range holding no events, i.e. the cost of the page, the bundle and the
 * API round trips without data. Warm browser cache after the first run, as a returning user.
 * Run: npx tsx bench/ui-first-chart.ts [rows=10000000] [dataDir=/tmp/th-bench-ui] [runs=10]
 */
import { chromium } from 'playwright-core';
import { silentLogger } from '@tracehound/logging';
import { createClickHouse } from '@tracehound/clickhouse';
import { buildApi } from '../services/api/src/app.js';
import { DIST, ensureUiBuilt } from '../services/ui/test/build.js';
import { ensureBenchEvents } from './api-data.js';
import { fmt, machine, percentile } from './stats.js';

const N = Number(process.argv[2] ?? 10_000_000);
const dataDir = process.argv[3] ?? '/tmp/th-bench-ui';
const RUNS = Number(process.argv[4] ?? 10);
ensureUiBuilt();
const ch = createClickHouse({ dataDir, database: 'bench' });
const ddl = { database: 'bench', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } };
const api = await buildApi({ clickhouse: ch, ddl, logger: silentLogger(), rateLimitPerMinute: 1_000_000, queryTimeoutS: 60, ui: { uiDir: DIST } });
console.log(`UI time to first chart — ${fmt(N)} events — ${machine()}`);
const genSecs = await ensureBenchEvents(ch, 'bench', N, (s) => console.log(s));
if (genSecs) console.log(`generated ${fmt(N)} events in ${fmt(genSecs, 0)} s`);
const password = 'benchmark password 1';
for (const [name, role, namespaces] of [['bench-admin', 'admin', '*'], ['bench-viewer', 'viewer', ['ns-1', 'ns-2', 'ns-3']]] as const) {
  await api.auth.createUser({ username: name, password, role, namespaces: namespaces === '*' ? '*' : [...namespaces] }).catch(() => undefined);
}
await api.app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

/** The little of the DOM the page-side checks use (this file is typed for Node). */
type Doc = { querySelector(s: string): unknown; body: { innerText: string } };

const empty = `from=${encodeURIComponent('2020-01-01T00:00:00.000Z')}&to=${encodeURIComponent('2020-01-02T00:00:00.000Z')}`;
const cases: Array<[string, string]> = [
  ['baseline: a day with no events', empty],
  ['last 24 hours (1.4M events)', 'range=24h'],
  ['last 7 days (10M events)', 'range=7d'],
];

console.log(`\n${RUNS} runs per row after 1 warm-up; navigation → events chart drawn (ms), and → every panel of the dashboard loaded`);
console.log('| dashboard range | caller | first chart p50 | p99 | all panels p50 | p99 |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
const medians: Record<string, number> = {};
for (const [caller, user] of [['admin', 'bench-admin'], ['viewer (3 ns)', 'bench-viewer']] as const) {
  const { token } = await api.auth.login(user, password);
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await ctx.addInitScript(`sessionStorage.setItem('tracehound.session', ${JSON.stringify(token)})`);
  const page = await ctx.newPage();
  for (const [name, query] of cases) {
    const first: number[] = [];
    const all: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t0 = Date.now();
      await page.goto(`${base}/ui/dashboard?${query}`);
      // An empty range shows "No events" instead of a chart: the first panel answered.
      await page.waitForFunction(() => {
        const d = (globalThis as unknown as { document: Doc }).document;
        return d.querySelector('[data-testid=events-chart][data-rendered=true]') || /No events stored/.test(d.body.innerText);
      }, undefined, { timeout: 120_000 });
      const tFirst = Date.now() - t0;
      await page.waitForFunction(() => {
        const d = (globalThis as unknown as { document: Doc }).document;
        return !d.querySelector('.state-loading') && d.querySelector('[data-testid=pipeline] table, [data-testid=pipeline] .muted');
      }, undefined, { timeout: 120_000 });
      const tAll = Date.now() - t0;
      if (i > 0) {
        first.push(tFirst);
        all.push(tAll);
      }
    }
    first.sort((a, b) => a - b);
    all.sort((a, b) => a - b);
    medians[`${caller}|${name}`] = percentile(first, 50);
    console.log(`| ${name} | ${caller} | ${fmt(percentile(first, 50))} | ${fmt(percentile(first, 99))} | ${fmt(percentile(all, 50))} | ${fmt(percentile(all, 99))} |`);
  }
  await ctx.close();
}
console.log('\nfirst chart, p50 ratio to the baseline (same caller):');
for (const caller of ['admin', 'viewer (3 ns)']) {
  const b = medians[`${caller}|${cases[0]![0]}`]!;
  console.log(`  ${caller}: ${cases.slice(1).map(([n]) => `${n} ${fmt(medians[`${caller}|${n}`]! / b, 2)}x`).join(', ')}`);
}
await browser.close();
await api.close();
await ch.close();
