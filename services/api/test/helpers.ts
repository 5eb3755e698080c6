/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted with t.match, typing every shape here adds nothing */
import type { Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENTS, ALERTS, alertToRow, createClickHouse, eventToRow, insertRows, type ClickHouseClient } from '@tracehound/clickhouse';
import { silentLogger } from '@tracehound/logging';
import { sampleAlert, sampleEnrichedEvent, sampleEvent, type Event, type EventKind } from '@tracehound/schemas';
import { buildApi, type ApiApp, type ApiOptions } from '../src/index.js';

export const DB = 'api';
export const RETENTION = { eventsDays: 30, alertsDays: 365, auditDays: 365 };

export interface TestApi {
  api: ApiApp;
  ch: ClickHouseClient;
  adminPassword: string;
  admin: string;
  /** A bearer token for a new user with this role and scope. */
  user(role: 'viewer' | 'analyst' | 'admin', namespaces: '*' | string[], name?: string): Promise<string>;
  get(url: string, token: string): Promise<{ status: number; body: any }>;
  send(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: any }>;
}

/**
 * A data directory outside tap's fixtures: tap removes t.testdir() before teardowns run, and
 * chDB cannot close (and so release, one directory per process) a session whose files are gone.
 */
export const scratchDir = (): string => mkdtempSync(join(tmpdir(), 'th-api-test-'));

/** An API on a fresh embedded ClickHouse, with a logged-in first admin. */
export async function testApi(t: Test, o: Partial<ApiOptions> = {}, dataDir = scratchDir()): Promise<TestApi> {
  const ch = createClickHouse({ dataDir, database: DB });
  let adminPassword = '';
  const api = await buildApi({ clickhouse: ch, ddl: { database: DB, retention: RETENTION }, logger: silentLogger(), onFirstAdmin: (_u, p) => (adminPassword = p), ...o });
  t.teardown(async () => {
    await api.close();
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const inject = async (method: string, url: string, token: string | undefined, body?: unknown) => {
    const r = await api.app.inject({ method: method as 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body !== undefined ? { payload: body as object } : {}) });
    let parsed: unknown = r.body;
    try {
      parsed = JSON.parse(r.body);
    } catch {
      /* not JSON */
    }
    return { status: r.statusCode, body: parsed as any };
  };
  const login = async (username: string, password: string) => (await inject('POST', '/api/v1/auth/login', undefined, { username, password })).body.token as string;
  const admin = adminPassword ? await login('admin', adminPassword) : '';
  let n = 0;
  return {
    api, ch, adminPassword, admin,
    async user(role, namespaces, name = `${role}${n++}`) {
      const password = 'correct horse battery staple';
      const r = await inject('POST', '/api/v1/users', admin, { username: name, password, role, namespaces });
      if (r.status !== 201) throw new Error(`user: ${r.status} ${JSON.stringify(r.body)}`);
      return login(name, password);
    },
    get: (url, token) => inject('GET', url, token),
    send: (method, url, token, body) => inject(method, url, token, body),
  };
}

export const NOW_NS = BigInt(Date.now()) * 1_000_000n;
export const NAMESPACES = ['shop', 'billing', 'kube-system'] as const;

/**
 * A varied set of events: namespaces shop/billing/kube-system and host events (no namespace),
 * kinds, pods, comms, paths, destinations, uids. Event i is at NOW - (count - i) ms.
 */
export function seedEvents(count: number, prefix = 'ev'): Event[] {
  const kinds: EventKind[] = ['process_exec', 'file_open', 'net_connect', 'priv_change'];
  const out: Event[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length]!;
    const host = i % 10 === 9;
    const ns = NAMESPACES[i % 3]!;
    const base = host ? sampleEvent(kind) : sampleEnrichedEvent(kind);
    const ts = NOW_NS - BigInt(count - i) * 1_000_000n;
    const e: Event = { ...base, id: `${prefix}-${i}`, ts, node: `node-${i % 2}` };
    if (e.k8s) e.k8s = { ...e.k8s, namespace: ns, pod: `${ns}-pod-${i % 5}`, container: i % 2 ? 'app' : 'sidecar', workload_name: `${ns}-web` };
    else e.enrichment = 'host';
    if (e.process) e.process = { ...e.process, comm: i % 4 === 0 ? 'bash' : 'curl', exe: i % 4 === 0 ? '/usr/bin/bash' : '/usr/bin/curl', uid: i % 3 === 0 ? 0 : 1000, args: ['x', `arg-${i}`, i % 7 === 0 ? 'Grüße 世界' : 'plain'] };
    if (e.file) e.file = { ...e.file, path: i % 8 === 1 ? '/etc/shadow' : `/var/log/app-${i % 4}.log` };
    if (e.net) e.net = { ...e.net, dst_addr: i % 16 === 2 ? '169.254.169.254' : i % 16 === 6 ? '2001:db8::7' : `10.0.${i % 3}.${i % 250}`, dst_port: i % 16 === 2 ? 80 : 443 };
    out.push(e);
  }
  return out;
}

export async function storeEvents(ch: ClickHouseClient, events: Event[]): Promise<void> {
  for (let i = 0; i < events.length; i += 50_000) {
    await insertRows(ch, DB, EVENTS, events.slice(i, i + 50_000).map((e, j) => eventToRow(e, { topic: 't', partition: 0, offset: String(i + j) })));
  }
}

export async function storeAlerts(ch: ClickHouseClient, n: number, prefix = 'al'): Promise<void> {
  const sev = ['low', 'medium', 'high', 'critical'] as const;
  const rows = Array.from({ length: n }, (_, i) => {
    const ns = NAMESPACES[i % 3]!;
    const ev = sampleEnrichedEvent('process_exec', { id: `${prefix}-ev-${i}` });
    ev.k8s = { ...ev.k8s!, namespace: ns, pod: `${ns}-pod-${i % 5}` };
    const a = sampleAlert({ id: `${prefix}-${i}`, ts: NOW_NS - BigInt(n - i) * 1_000_000_000n, severity: sev[i % 4]!, rule: { id: i % 2 ? 'rule-a' : 'rule-b', name: 'R', version: 1 }, event: ev });
    return alertToRow(a, { topic: 't', partition: 0, offset: String(i) });
  });
  await insertRows(ch, DB, ALERTS, rows);
}
