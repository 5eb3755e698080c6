import t from 'tap';
import { Type } from '@sinclair/typebox';
import { CommonConfig, DetectorConfig, loadConfig } from '@tracehound/config';
import { buildDetector } from '@tracehound/detector';
import { silentLogger } from '@tracehound/logging';
import { eventually, testKafka } from '@tracehound/testkit';
import { seedEvents, storeEvents, testApi } from './helpers.js';

const rule = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: 'Shell in a container',
  description: 'A shell started in a container.',
  severity: 'high',
  tags: ['incubating', 'shell', 'T1059.004'],
  condition: { all: [{ condition: 'spawned_process' }, { condition: 'container' }, { fact: 'process.comm', operator: 'inList', value: 'shell_binaries' }] },
  output: 'Shell {process.comm} in {k8s.namespace}/{k8s.pod}',
  ...extra,
});

t.test('rule CRUD through the API reaches a running detector; history is kept; invalid rules are refused with reasons (integration)', async (t) => {
  const tk = await testKafka('api-rules', ['alerts', 'rules', 'eventsEnriched', 'deadLetter']);
  const cfg = {
    ...loadConfig(Type.Composite([CommonConfig, DetectorConfig])),
    TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_DETECTOR_GROUP_ID: `${tk.prefix}.detector`, TRACEHOUND_DETECTOR_SEED_RULES: true, TRACEHOUND_TOPIC_PARTITIONS: 3,
  };
  const detector = buildDetector(cfg, { kafka: tk.kafka, logger: silentLogger() });
  await detector.start();
  t.teardown(() => detector.close());
  await eventually(() => (detector.store.set.source.lists.has('shell_binaries') ? true : undefined), 20_000, 'the detector seeded its default rules');
  const a = await testApi(t, { kafka: { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix } });
  await a.api.kafkaReady;
  const analyst = await a.user('analyst', '*', 'rita');
  const viewer = await a.user('viewer', '*');
  const seeded = await a.get('/api/v1/rules', viewer);
  t.ok(seeded.body.items.length >= 30, `the API lists the rules in force (${seeded.body.items.length}), seeded ones included`);
  const inDetector = (id: string) => detector.store.set.source.rules.get(id) as { version?: number; enabled?: boolean } | undefined;

  const created = await a.send('POST', '/api/v1/rules', analyst, rule('api-shell'));
  t.equal(created.status, 201);
  t.equal(created.body.version, 1);
  await eventually(() => inDetector('api-shell'), 10_000, 'the detector has the new rule');
  t.equal((await a.send('POST', '/api/v1/rules', analyst, rule('api-shell'))).status, 409, 'creating it twice is a conflict');

  const updated = await a.send('PUT', '/api/v1/rules/api-shell', analyst, rule('api-shell', { severity: 'critical' }));
  t.match(updated, { status: 200, body: { version: 2, severity: 'critical' } });
  await eventually(() => (inDetector('api-shell')?.version === 2 ? true : undefined), 10_000, 'version 2 in the detector');

  t.match(await a.send('POST', '/api/v1/rules/api-shell/disable', analyst), { status: 200, body: { enabled: false, version: 3 } });
  await eventually(() => (inDetector('api-shell')?.enabled === false && !detector.store.set.get('api-shell') ? true : undefined), 10_000, 'disabled in the detector');
  t.match(await a.send('POST', '/api/v1/rules/api-shell/enable', analyst), { status: 200, body: { enabled: true, version: 4 } });
  await eventually(() => (detector.store.set.get('api-shell') ? true : undefined), 10_000, 'enabled again');

  const bad = await a.send('POST', '/api/v1/rules', analyst, rule('api-bad', { condition: { all: [{ fact: 'process.nosuchfield', operator: 'equal', value: 1 }] }, colour: 'red' }));
  t.equal(bad.status, 400);
  t.equal(bad.body.error, 'TH_ERR_RULE_INVALID');
  t.ok(bad.body.issues.length >= 1 && bad.body.issues.every((i: { pointer: string; message: string }) => typeof i.pointer === 'string' && i.message), 'each issue names where and what');
  t.match(bad.body.message, /nosuchfield|colour/);
  t.equal(inDetector('api-bad'), undefined, 'nothing reached the detector');
  t.equal((await a.send('PUT', '/api/v1/rules/api-shell', analyst, rule('other-id'))).status, 400, 'body id must match the path');
  t.equal((await a.send('PUT', '/api/v1/rules/nope', analyst, rule('nope'))).status, 404);
  t.equal((await a.send('POST', '/api/v1/rules', viewer, rule('v-rule'))).status, 403, 'viewers cannot change rules');

  t.equal((await a.send('DELETE', '/api/v1/rules/api-shell', analyst)).status, 200);
  await eventually(() => (inDetector('api-shell') ? undefined : true), 10_000, 'deleted in the detector');
  t.equal((await a.get('/api/v1/rules/api-shell', viewer)).status, 404);
  const history = await a.get('/api/v1/rules/api-shell/history', viewer);
  t.same(history.body.items.map((h: { action: string; version: number; actor: string }) => [h.action, h.version, h.actor]),
    [['create', 1, 'rita'], ['update', 2, 'rita'], ['disable', 3, 'rita'], ['enable', 4, 'rita'], ['delete', 5, 'rita']], 'every change, who, which version');
});

t.test('backtest finds exactly the stored matches, within the caller scope, bounded in events and time (integration)', async (t) => {
  const tk = await testKafka('api-backtest', ['alerts', 'rules', 'eventsEnriched', 'deadLetter']);
  const cfg = { ...loadConfig(Type.Composite([CommonConfig, DetectorConfig])), TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_DETECTOR_GROUP_ID: `${tk.prefix}.detector`, TRACEHOUND_TOPIC_PARTITIONS: 3 };
  const detector = buildDetector(cfg, { kafka: tk.kafka, logger: silentLogger() });
  await detector.start();
  t.teardown(() => detector.close());
  await eventually(() => (detector.store.set.source.lists.has('shell_binaries') ? true : undefined), 20_000, 'seeded rules');
  const a = await testApi(t, { kafka: { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix }, backtest: { maxEvents: 1_000_000, timeoutMs: 30_000 } });
  await a.api.kafkaReady;
  const events = seedEvents(5000);
  await storeEvents(a.ch, events);
  const shells = new Set(detector.store.set.source.lists.get('shell_binaries')!.map(String));
  const matches = events.filter((e) => e.kind === 'process_exec' && e.k8s !== null && shells.has(e.process!.comm));
  t.ok(matches.length > 100 && matches.length < events.length / 2, `${matches.length} events should match`);
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const r = await a.send('POST', '/api/v1/rules/backtest', a.admin, { rule: rule('bt-shell'), from, limit: 5 });
  t.equal(r.status, 200);
  t.equal(r.body.matched, matches.length, 'exactly the stored matches');
  t.equal(r.body.truncated, false);
  t.equal(r.body.matches.length, 5, 'a sample of matches, all counted');
  t.ok(r.body.matches.every((m: { id: string }) => matches.some((e) => e.id === m.id)));
  const byNs: Record<string, number> = {};
  for (const e of matches) byNs[e.k8s!.namespace!] = (byNs[e.k8s!.namespace!] ?? 0) + 1;
  t.same(r.body.byNamespace, byNs);
  t.ok(r.body.evaluated < events.length, `only events of the rule's kinds are read (${r.body.evaluated})`);

  const shopAnalyst = await a.user('analyst', ['shop']);
  const scoped = await a.send('POST', '/api/v1/rules/backtest', shopAnalyst, { rule: rule('bt-shell'), from });
  t.same(scoped.body.byNamespace, { shop: byNs.shop }, 'only the caller namespaces');

  // A stored rule by id: the seeded default set.
  const stored = await a.send('POST', '/api/v1/rules/backtest', a.admin, { ruleId: [...detector.store.set.source.rules.keys()][0], from });
  t.equal(stored.status, 200);

  t.equal((await a.send('POST', '/api/v1/rules/backtest', a.admin, { rule: rule('bt-shell'), from: '2020-01-01T00:00:00Z' })).status, 400, 'a range over a year is refused');
  t.equal((await a.send('POST', '/api/v1/rules/backtest', a.admin, { rule: { id: 'bt-x', condition: 'nonsense' }, from })).status, 400, 'an invalid rule is a 400 with reasons');
  t.equal((await a.send('POST', '/api/v1/rules/backtest', a.admin, { from })).status, 400, 'rule or ruleId is required');
});

t.test('a backtest stops at its event bound and says so', async (t) => {
  const a = await testApi(t, { backtest: { maxEvents: 300, timeoutMs: 30_000, pageRows: 100 }, kafka: await (async () => {
    const tk = await testKafka('api-backtest-bound', ['alerts', 'rules', 'eventsEnriched', 'deadLetter']);
    return { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix };
  })() });
  await a.api.kafkaReady;
  await storeEvents(a.ch, seedEvents(2000));
  // No lists on this topic: a self-contained rule over every process_exec.
  const r = rule('bt-all', { condition: { all: [{ fact: 'kind', operator: 'equal', value: 'process_exec' }] } });
  const cut = await a.send('POST', '/api/v1/rules/backtest', a.admin, { rule: r, from: new Date(Date.now() - 3_600_000).toISOString() });
  t.match(cut, { status: 200, body: { evaluated: 300, truncated: true, reason: /event bound of 300/ } });
});
