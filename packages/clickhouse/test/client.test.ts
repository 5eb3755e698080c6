import t from 'tap';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClickHouse, describeTarget, ensureDatabase, fileInserter, serverClientConfig } from '../src/index.js';
import { session, sharedDataDir } from './helpers.js';

t.test('embedded chDB: create, insert with bound parameters, select', async (t) => {
  const dataDir = t.testdir();
  const ch = session();
  await ensureDatabase(ch, 'th_test');
  await ch.command({ query: 'CREATE TABLE IF NOT EXISTS th_test.t (ts DateTime64(9), id String, n UInt32) ENGINE = MergeTree ORDER BY (ts, id)' });
  await ch.insert({ table: 'th_test.t', values: [{ ts: '2025-11-28 22:00:00.123456789', id: 'a', n: 1 }, { ts: '2025-11-28 22:00:01.000000001', id: "b'; DROP TABLE th_test.t; --", n: 2 }], format: 'JSONEachRow' });
  const rs = await ch.query({ query: 'SELECT id, n, toUnixTimestamp64Nano(ts) AS ns FROM th_test.t WHERE id = {id:String}', query_params: { id: "b'; DROP TABLE th_test.t; --" }, format: 'JSONEachRow' });
  const rows = await rs.json<{ id: string; n: number; ns: string }>();
  t.same(rows, [{ id: "b'; DROP TABLE th_test.t; --", n: 2, ns: '1764367201000000001' }], 'bound parameter matches literally; nanoseconds kept');
  const all = await (await ch.query({ query: 'SELECT count() AS c FROM th_test.t', format: 'JSONEachRow' })).json<{ c: string }>();
  t.equal(Number(all[0]!.c), 2, 'the table is still there with both rows');
  t.same(describeTarget({ dataDir, database: 'x' }).kind, 'embedded');
});

t.test('a server URL configures the HTTP client, credentials out of the URL and out of logs', async (t) => {
  const cfg = serverClientConfig({ url: 'https://alice:s%40cret@ch.example.internal:8443/audit', dataDir: '/nowhere', database: 'tracehound' });
  t.match(cfg, { url: 'https://ch.example.internal:8443', username: 'alice', password: 's@cret', database: 'audit' });
  const plain = serverClientConfig({ url: 'http://127.0.0.1:8123', dataDir: '/nowhere', database: 'tracehound' });
  t.match(plain, { url: 'http://127.0.0.1:8123', username: 'default', password: '', database: 'tracehound' });
  t.same(describeTarget({ url: 'https://alice:pw@ch:8443/audit', dataDir: '', database: '' }), { kind: 'server', where: 'https://ch:8443/audit' });
  t.throws(() => serverClientConfig({ url: 'ch:8123', dataDir: '', database: '' }), { code: 'TH_ERR_CONFIG', message: /TRACEHOUND_CLICKHOUSE_URL/ });
  t.throws(() => serverClientConfig({ url: 'ftp://ch', dataDir: '', database: '' }), { code: 'TH_ERR_CONFIG' });
});

t.test('a bad database name is refused before it reaches SQL', async (t) => {
  await t.rejects(ensureDatabase(session(), 'x; DROP'), { code: 'TH_ERR_CONFIG' });
});

t.test('file inserts: a binary format, settings of that insert only, the payload file removed after', async (t) => {
  const ch = session();
  await ensureDatabase(ch, 'th_file');
  await ch.command({ query: "CREATE TABLE IF NOT EXISTS th_file.t (n UInt32, s LowCardinality(String)) ENGINE = MergeTree ORDER BY n SETTINGS non_replicated_deduplication_window = 10" });
  const insert = fileInserter(ch)!;
  // RowBinary: UInt32 little-endian, then a String as its varint length and bytes.
  const row = (n: number, s: string) => Buffer.concat([Buffer.from(Uint32Array.of(n).buffer), Buffer.of(Buffer.byteLength(s)), Buffer.from(s)]);
  const body = Buffer.concat([row(1, "it's"), row(2, 'b')]);
  const r = { table: 'th_file.t', columns: ['n', 's'], structure: "n UInt32, s String", format: 'RowBinary', body, settings: { insert_deduplication_token: 'tok-1' } };
  await insert(r);
  await insert(r);
  await insert({ ...r, settings: {} });
  const rows = await (await ch.query({ query: 'SELECT n, s FROM th_file.t ORDER BY n', format: 'JSONEachRow' })).json<{ n: number; s: string }>();
  t.same(rows, [{ n: 1, s: "it's" }, { n: 1, s: "it's" }, { n: 2, s: 'b' }, { n: 2, s: 'b' }], 'same token stored once, no token stored again');
  const [setting] = await (await ch.query({ query: "SELECT value FROM system.settings WHERE name = 'insert_deduplication_token'", format: 'JSONEachRow' })).json<{ value: string }>();
  t.equal(setting!.value, '', 'the token did not outlive its insert');
  const spool = join(sharedDataDir()!, 'clickhouse-inserts');
  t.same(readdirSync(spool), [], 'no payload file left');
  await t.rejects(insert({ ...r, format: 'RowBinary; DROP' }), /bad identifier/);
  await t.rejects(insert({ ...r, body: Buffer.of(1, 2) }), { message: /Code: \d+/ }, 'a bad payload is the engine\'s error');
  t.same(readdirSync(spool), [], 'nor after a refused insert');
  // A payload a killed process left is removed when the data dir is opened again.
  writeFileSync(join(spool, '1-7.RowBinary'), body);
  const again = createClickHouse({ dataDir: sharedDataDir()!, database: 'x' });
  t.same(readdirSync(spool), [], 'stale payload removed');
  await again.close();
});
