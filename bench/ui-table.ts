/**
 * The event explorer's virtualised table with 100k rows loaded: frame times while scrolling
 * (a steady fling and random jumps), rows in the DOM and the page's JS heap, in Chromium against
 * the API over the generated events (bench/api-data.ts). Baseline in the same run: the same
 * measurements with one page (1,000 rows) loaded.
 * Run: npx tsx bench/ui-table.ts [rows=10000000] [dataDir=/tmp/th-bench-ui] [loaded=100000]
 */
import { chromium, type Page } from 'playwright-core';
import { silentLogger } from '@tracehound/logging';
import { createClickHouse } from '@tracehound/clickhouse';
import { buildApi } from '../services/api/src/app.js';
import { DIST, ensureUiBuilt } from '../services/ui/test/build.js';
import { ensureBenchEvents } from './api-data.js';
import { fmt, machine, percentile } from './stats.js';

const N = Number(process.argv[2] ?? 10_000_000);
const dataDir = process.argv[3] ?? '/tmp/th-bench-ui';
const TARGET = Number(process.argv[4] ?? 100_000);
ensureUiBuilt();
const ch = createClickHouse({ dataDir, database: 'bench' });
const api = await buildApi({ clickhouse: ch, ddl: { database: 'bench', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } }, logger: silentLogger(), rateLimitPerMinute: 1_000_000, queryTimeoutS: 60, ui: { uiDir: DIST } });
console.log(`UI event table — ${fmt(TARGET)} rows loaded of ${fmt(N)} stored — ${machine()}`);
await ensureBenchEvents(ch, 'bench', N, (s) => console.log(s));
await api.auth.createUser({ username: 'bench-admin', password: 'benchmark password 1', role: 'admin', namespaces: '*' }).catch(() => undefined);
const { token } = await api.auth.login('bench-admin', 'benchmark password 1');
await api.app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
await ctx.addInitScript(`sessionStorage.setItem('tracehound.session', ${JSON.stringify(token)})`);
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
await cdp.send('Performance.enable');

const loaded = async () => Number(/([\d,]+) events loaded/.exec((await page.getByTestId('events-count').textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
async function loadRows(target: number): Promise<number> {
  const t0 = Date.now();
  const body = page.getByTestId('vtable-body');
  while ((await loaded()) < target) {
    await body.evaluate((el) => {
      const box = el as unknown as { scrollTo(x: number, y: number): void; scrollHeight: number };
      box.scrollTo(0, box.scrollHeight);
    });
    await page.waitForTimeout(20);
    if (Date.now() - t0 > 600_000) break;
  }
  return Date.now() - t0;
}

/** Frame intervals (ms) while the table scrolls by `mode` for `frames` animation frames. */
function scroll(p: Page, mode: 'fling' | 'jumps', frames: number): Promise<number[]> {
  return p.getByTestId('vtable-body').evaluate(async (el, o) => {
    const g = globalThis as unknown as { requestAnimationFrame(cb: () => void): void; performance: { now(): number } };
    const box = el as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number };
    box.scrollTop = 0;
    const out: number[] = [];
    let last = g.performance.now();
    let seed = 7;
    // A loop of awaited frames, not a named callback: the page gets this function as text.
    for (let n = 0; n < o.frames; n++) {
      await new Promise<void>((r) => g.requestAnimationFrame(r));
      const now = g.performance.now();
      out.push(now - last);
      last = now;
      seed = (seed * 1103515245 + 12345) % 2147483648;
      box.scrollTop = o.mode === 'fling' ? box.scrollTop + 1200 : (seed / 2147483648) * (box.scrollHeight - box.clientHeight);
    }
    return out.slice(1);
  }, { mode, frames });
}

async function measure(label: string) {
  const rowsInDom = await page.locator('[role=row]').count();
  const metrics = (await cdp.send('Performance.getMetrics')).metrics;
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')!.value;
  for (const mode of ['fling', 'jumps'] as const) {
    const f = (await scroll(page, mode, 300)).sort((a, b) => a - b);
    const slow = f.filter((x) => x > 50).length;
    console.log(`| ${label} | ${mode} | ${fmt(percentile(f, 50), 1)} | ${fmt(percentile(f, 99), 1)} | ${fmt(f[f.length - 1]!, 1)} | ${slow} | ${rowsInDom} | ${fmt(heap / 2 ** 20, 0)} |`);
  }
}

await page.goto(`${base}/ui/events?range=7d`);
await page.getByTestId('events-count').filter({ hasText: /events loaded/ }).waitFor({ timeout: 120_000 });
console.log('\n300 animation frames each; fling = 1,200 px per frame, jumps = a random position per frame');
console.log('| rows loaded | scroll | frame p50 ms | p99 ms | max ms | frames > 50 ms | rows in DOM | JS heap MiB |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
await measure(`baseline: ${fmt(await loaded())}`);
const took = await loadRows(TARGET);
await measure(fmt(await loaded()));
console.log(`\nloading ${fmt(await loaded())} rows by scrolling (1,000-row pages by cursor, 7 days, all namespaces) took ${fmt(took / 1000, 1)} s`);
await browser.close();
await api.close();
await ch.close();
