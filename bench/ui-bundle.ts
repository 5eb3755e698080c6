/**
 * Web UI bundle size: what a browser downloads for the first view (the sign-in page, and the
 * dashboard of a signed-in user) against everything the build holds (the baseline: one bundle
 * loaded eagerly). Requests are recorded in Chromium against the API serving the build; sizes
 * are raw, gzip (level 9, the .gz the build writes) and brotli (the .br the API serves).
 * Run: npx tsx bench/ui-bundle.ts
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { silentLogger } from '@tracehound/logging';
import { createClickHouse } from '@tracehound/clickhouse';
import { buildApi } from '../services/api/src/app.js';
import { DIST, ensureUiBuilt } from '../services/ui/test/build.js';
import { fmt, machine } from './stats.js';

ensureUiBuilt();
const assets = join(DIST, 'assets');
const size = (f: string) => statSync(f).size;
const kb = (n: number) => fmt(n / 1000, 1);
const sizes = (file: string) => {
  const data = readFileSync(file);
  return { raw: data.length, gz: gzipSync(data, { level: 9 }).length, br: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
};
const code = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
const sum = (files: string[]) => files.map((f) => sizes(join(assets, f))).reduce((a, s) => ({ raw: a.raw + s.raw, gz: a.gz + s.gz, br: a.br + s.br }), { raw: 0, gz: 0, br: 0 });

console.log(`Web UI bundle — ${machine()}\n`);
console.log('| chunk | raw kB | gzip kB | brotli kB |');
console.log('| --- | ---: | ---: | ---: |');
for (const f of code.sort((a, b) => size(join(assets, b)) - size(join(assets, a)))) {
  const s = sizes(join(assets, f));
  console.log(`| ${f.replace(/-[A-Za-z0-9_-]{8}\./, '.')} | ${kb(s.raw)} | ${kb(s.gz)} | ${kb(s.br)} |`);
}

const dataDir = mkdtempSync(join(tmpdir(), 'th-bench-ui-bundle-'));
const ch = createClickHouse({ dataDir, database: 'bench' });
const api = await buildApi({ clickhouse: ch, ddl: { database: 'bench', retention: { eventsDays: 30, alertsDays: 365, auditDays: 365 } }, logger: silentLogger(), ui: { uiDir: DIST } });
await api.auth.createUser({ username: 'bench-admin', password: 'benchmark password 1', role: 'admin', namespaces: '*' });
await api.app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });

/** The code files a page fetched until `ready`. */
async function firstView(page: Page, url: string, ready: () => Promise<unknown>) {
  const files = new Set<string>();
  page.on('requestfinished', (req) => {
    if (/\/ui\/assets\/.*\.(js|css)$/.test(req.url())) files.add(basename(new URL(req.url()).pathname));
  });
  await page.goto(url);
  await ready();
  await page.waitForLoadState('networkidle');
  return { files: [...files] };
}

const login = await firstView(await (await browser.newContext()).newPage(), `${base}/ui/`, async () => undefined);
const { token } = await api.auth.login('bench-admin', 'benchmark password 1');
const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
await ctx.addInitScript(`sessionStorage.setItem('tracehound.session', ${JSON.stringify(token)})`);
const dashPage = await ctx.newPage();
const dash = await firstView(dashPage, `${base}/ui/dashboard`, () => dashPage.getByText(/No events stored/).waitFor());

const all = sum(code);
console.log('\n| view | files | raw kB | gzip kB | brotli kB | gzip vs everything |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, v] of [['sign-in page', login], ['dashboard (signed in)', dash]] as const) {
  const s = sum(v.files);
  console.log(`| ${name} | ${v.files.length} | ${kb(s.raw)} | ${kb(s.gz)} | ${kb(s.br)} | ${fmt((s.gz / all.gz) * 100, 0)} % |`);
}
console.log(`| baseline: every chunk at once | ${code.length} | ${kb(all.raw)} | ${kb(all.gz)} | ${kb(all.br)} | 100 % |`);
await browser.close();
await api.close();
await ch.close();
rmSync(dataDir, { recursive: true, force: true });
