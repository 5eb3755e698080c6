import t, { type Test } from 'tap';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClickHouse, selectRows } from '@tracehound/clickhouse';
import { loadConfig } from '@tracehound/config';
import { createKafka } from '@tracehound/kafka';
import { silentLogger } from '@tracehound/logging';
import { ApiProcessConfig } from '../src/main.js';
import { apiOptions, buildApi, type ApiApp } from '../src/index.js';
import { RETENTION, scratchDir } from './helpers.js';

// One chDB engine per process: every API instance here shares one client, as two replicas share
// one ClickHouse. Each case gets a database of its own on it.
const dataDir = scratchDir();
const ch = createClickHouse({ dataDir, database: 'fa0' });
t.teardown(async () => {
  await ch.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let databases = 0;
const newDatabase = () => `first_admin_${databases++}`;

interface Instance { api: ApiApp; reported: string[] }

/** API instances started at the same moment on one empty database, as replicas of a Deployment are. */
async function startTogether(t: Test, database: string, n: number, adminPassword?: string): Promise<Instance[]> {
  const out = await Promise.all(Array.from({ length: n }, async () => {
    const reported: string[] = [];
    const api = await buildApi({
      clickhouse: ch, ddl: { database, retention: RETENTION }, logger: silentLogger(), onFirstAdmin: (_u, p) => reported.push(p), ...(adminPassword ? { adminPassword } : {}),
    });
    return { api, reported };
  }));
  t.teardown(async () => {
    for (const i of out) await i.api.close();
  });
  return out;
}

const login = async (api: ApiApp, password: string) =>
  (await api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password } })).statusCode;

/** Rows physically stored (no FINAL): a duplicate insert would show here even where FINAL hides it. */
const storedRows = async (database: string) =>
  Number((await selectRows<{ n: string }>(ch, `SELECT count() AS n FROM ${database}.users`))[0]!.n);

t.test('replicas starting together on an empty database: one admin, one reported password, and it works on every replica', async (t) => {
  let raced = 0;
  for (let round = 0; round < 4; round++) {
    const database = newDatabase();
    const [a, b] = await startTogether(t, database, 2);
    const outcomes = [a!.api.firstAdmin.outcome, b!.api.firstAdmin.outcome].sort();
    if (outcomes[0] === 'created' && outcomes[1] === 'created elsewhere') raced++;
    else t.same(outcomes, ['created', 'exists'], `round ${round}: one created, the other found it`);
    const reported = [...a!.reported, ...b!.reported];
    t.equal(reported.length, 1, `round ${round}: exactly one instance reports a password`);
    t.equal(await storedRows(database), 1, `round ${round}: one row stored, the other insert dropped`);
    t.equal(await login(a!.api, reported[0]!), 200, `round ${round}: the reported password logs in on the one instance`);
    t.equal(await login(b!.api, reported[0]!), 200, `round ${round}: and on the other`);
  }
  t.ok(raced > 0, `both instances found no users and inserted in ${raced} of 4 rounds: the race was exercised`);
});

t.test('a password from TRACEHOUND_API_ADMIN_PASSWORD_FILE: used by every replica, never reported', async (t) => {
  const file = join(dataDir, 'admin-password');
  writeFileSync(file, 'a secret from the cluster\n');
  const cfg = loadConfig(ApiProcessConfig, { TRACEHOUND_API_ADMIN_PASSWORD_FILE: file });
  const options = apiOptions(cfg, { clickhouse: ch, ddl: { database: 'unused', retention: RETENTION }, logger: silentLogger(), kafka: createKafka({ brokers: '127.0.0.1:9092', clientId: 't', logger: silentLogger() }), onFirstAdmin: () => undefined });
  t.equal(options.adminPassword, 'a secret from the cluster', 'the first line, without its line end');
  const database = newDatabase();
  const [a, b, c] = await startTogether(t, database, 3, options.adminPassword);
  t.same([a, b, c].flatMap((i) => i!.reported), [], 'nothing reported');
  t.equal(await storedRows(database), 1);
  for (const i of [a, b, c]) t.equal(await login(i!.api, 'a secret from the cluster'), 200);
  const [later] = await startTogether(t, database, 1, 'another password entirely');
  t.equal(later!.api.firstAdmin.outcome, 'exists', 'a later start changes nothing');
  t.equal(await login(later!.api, 'another password entirely'), 401);
});

t.test('a bad password file stops start-up naming the variable', async (t) => {
  const short = join(dataDir, 'short');
  writeFileSync(short, 'too short\n');
  const parts = { clickhouse: ch, ddl: { database: 'unused', retention: RETENTION }, logger: silentLogger(), kafka: createKafka({ brokers: '127.0.0.1:9092', clientId: 't', logger: silentLogger() }), onFirstAdmin: () => undefined };
  t.throws(() => apiOptions(loadConfig(ApiProcessConfig, { TRACEHOUND_API_ADMIN_PASSWORD_FILE: short }), parts), { code: 'TH_ERR_CONFIG', message: /^TRACEHOUND_API_ADMIN_PASSWORD_FILE: the password in .* must be at least 12 characters/ });
  t.throws(() => apiOptions(loadConfig(ApiProcessConfig, { TRACEHOUND_API_ADMIN_PASSWORD_FILE: join(dataDir, 'missing') }), parts), { code: 'TH_ERR_CONFIG', message: /^TRACEHOUND_API_ADMIN_PASSWORD_FILE: cannot read .*missing/ });
});
