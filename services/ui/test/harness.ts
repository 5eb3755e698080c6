/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are asserted field by field; typing every shape here adds nothing */
import type { Test } from 'tap';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildApi, type ApiApp } from '@tracehound/api';
import { EVENTS, createClickHouse, eventToRow, insertRows, type ClickHouseClient } from '@tracehound/clickhouse';
import { silentLogger } from '@tracehound/logging';
import { buildSink } from '@tracehound/sink-clickhouse';
import { eventually, recordProducer, testKafka, type RecordProducer, type TestKafka } from '@tracehound/testkit';
import { DIST, UI_ROOT, ensureUiBuilt } from './build.js';

export const DB = 'ui';
const RETENTION = { eventsDays: 30, alertsDays: 365, auditDays: 365 };
export const ARTIFACTS = join(UI_ROOT, 'test', 'artifacts');
export const PASSWORD = 'correct horse battery staple';

export interface Stack {
  api: ApiApp;
  ch: ClickHouseClient;
  tk: TestKafka;
  producer: RecordProducer;
  base: string;
  adminPassword: string;
  browser: Browser;
  /** Calls the API as `token` (an admin session unless given). */
  call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  adminToken: string;
  /** A logged-in page at /ui/ for this user (a fresh browser context each). */
  login(username: string, password: string): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
}

/**
 * The real thing, end to end: the stack's Kafka with this test's topics, the real sink writing to
 * a chDB data dir of its own, the API built from services/api/src/app.ts on a port of its own
 * (with the UI build), and Debian's Chromium driven by playwright-core.
 */
export async function startStack(t: Test, name: string): Promise<Stack> {
  ensureUiBuilt();
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'th-ui-test-'));
  // Every topic of the catalog: the sink reads whichever ones its tables list.
  const tk = await testKafka(name);
  const ch = createClickHouse({ dataDir, database: DB });
  // Torn down in reverse order of start, whatever step fails.
  const stops: Array<() => Promise<unknown>> = [async () => rmSync(dataDir, { recursive: true, force: true }), () => ch.close()];
  t.teardown(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  });
  let adminPassword = '';
  const api = await buildApi({
    clickhouse: ch, ddl: { database: DB, retention: RETENTION }, logger: silentLogger(), onFirstAdmin: (_u, p) => (adminPassword = p),
    kafka: { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix },
    // The test drives one browser; its page loads should never meet the per-address limit.
    rateLimitPerMinute: 100_000,
    ui: { uiDir: DIST, stageGroups: { sink: `${tk.prefix}.sink` } },
  });
  stops.push(() => api.close());
  const sink = buildSink({
    kafka: tk.kafka, clickhouse: ch, ddl: { database: DB, retention: RETENTION }, registryUrl: tk.registryUrl, topicPrefix: tk.prefix,
    groupId: `${tk.prefix}.sink`, logger: silentLogger(), maxWaitMs: 100, migrate: false,
  });
  await sink.start();
  stops.push(() => sink.close());
  const producer = await recordProducer(tk);
  stops.push(() => producer.producer.disconnect());
  await api.kafkaReady;
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  stops.push(() => browser.close());
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...(token !== '' ? { authorization: `Bearer ${token ?? adminToken}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as any };
  };
  let adminToken = '';
  adminToken = (await call('POST', '/auth/login', { username: 'admin', password: adminPassword }, '')).body.token;
  const stack: Stack = {
    api, ch, tk, producer, base, adminPassword, browser, call, adminToken,
    async login(username, password) {
      const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(`${base}/ui/`);
      await page.getByLabel('User name').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('whoami-user').waitFor();
      return page;
    },
    async shot(page, file) {
      await page.screenshot({ path: join(ARTIFACTS, `${file}.png`), fullPage: true });
    },
  };
  return stack;
}

/** Waits until the API sees `n` events (the sink has stored what the test produced). */
export async function storedEvents(s: Stack, n: number, query = ''): Promise<void> {
  await eventually(async () => {
    const r = await s.call('GET', `/stats/events/top?by=kind&limit=100${query}`);
    const total = (r.body.items ?? []).reduce((a: number, x: { count: number }) => a + x.count, 0);
    return total >= n ? true : undefined;
  }, 60_000, `${n} events stored`);
}

/** Rows straight into the events table, for volumes Kafka would make slow to seed (the table the sink writes). */
export async function insertEvents(s: Stack, events: Parameters<typeof eventToRow>[0][]): Promise<void> {
  for (let i = 0; i < events.length; i += 20_000) {
    await insertRows(s.ch, DB, EVENTS, events.slice(i, i + 20_000).map((e, j) => eventToRow(e, { topic: 'seed', partition: 0, offset: String(i + j) })));
  }
}

export { eventually };
