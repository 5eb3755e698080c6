import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LOADER, findCgroup2Mount } from '@tracehound/agent';
import { loadConfig } from '@tracehound/config';
import { createKafka } from '@tracehound/kafka';
import { kubeUp, loadKubeSettings } from '@tracehound/kube';
import { silentLogger } from '@tracehound/logging';
import { SCENARIOS, simulate, type Simulation } from '@tracehound/simulate';
import { eventually, uniquePrefix } from '@tracehound/testkit';
import { PlatformProcessConfig, agentUnavailable, startPlatform, type Platform } from '../src/index.js';

// The whole path on the real kernel: agent → Kafka → enricher (real API server) → detector and
// sink → ClickHouse (chDB) → API, all hosted in this process as `tracehound up` hosts them.
const why = agentUnavailable(DEFAULT_LOADER) ?? (findCgroup2Mount() ? undefined : 'no cgroup v2 mount');
if (why) t.comment(`skipping the end-to-end test: ${why}`);

const NAMESPACE = 'tracehound-e2e';

interface Api {
  get(path: string): Promise<{ status: number; body: Record<string, unknown> & { items?: Array<Record<string, unknown>> } }>;
}

async function login(url: string, user: string, password: string): Promise<Api> {
  const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password }) });
  const { token } = (await r.json()) as { token: string };
  if (!token) throw new Error(`login failed: HTTP ${r.status}`);
  return {
    async get(path) {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as never };
    },
  };
}

t.test('up on a fresh data dir → simulate → every alert and its events through the API, with pod context; a restart loses and duplicates nothing (integration)', { skip: why ?? false }, async (t) => {
  const kube = await kubeUp(loadKubeSettings());
  const prefix = uniquePrefix('platform-e2e');
  // chDB data outside tap's fixture dirs: tap removes those before teardowns run.
  const dataDir = mkdtempSync(join(tmpdir(), 'th-platform-e2e-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const cfg = loadConfig(PlatformProcessConfig, {
    ...process.env,
    TRACEHOUND_DATA_DIR: dataDir,
    TRACEHOUND_TOPIC_PREFIX: prefix,
    TRACEHOUND_TOPIC_PARTITIONS: '2',
    TRACEHOUND_ENRICHER_GROUP: `${prefix}.enricher`,
    TRACEHOUND_DETECTOR_GROUP_ID: `${prefix}.detector`,
    TRACEHOUND_SINK_GROUP_ID: `${prefix}.sink`,
    TRACEHOUND_NOTIFIER_GROUP_ID: `${prefix}.notifier`,
    TRACEHOUND_SINK_MAX_WAIT_MS: '200',
    TRACEHOUND_API_PORT: '0',
    TRACEHOUND_AGENT_HTTP_PORT: '0',
    TRACEHOUND_KUBECONFIG: kube.kubeconfig,
    TRACEHOUND_LOG_LEVEL: 'silent',
  });
  let admin: { user: string; password: string } | undefined;
  let platform: Platform | undefined = await startPlatform(cfg, { logger: silentLogger(), onFirstAdmin: (user, password) => (admin = { user, password }) });
  t.teardown(() => platform?.close());
  t.same(platform.services.map((s) => `${s.name}:${s.state}`), ['api:running', 'sink:running', 'detector:running', 'enricher:running', 'notifier:running', 'agent:running']);
  t.ok(admin, 'the first admin is created with a generated password');

  const kafka = createKafka({ brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${prefix}-simulate`, logger: silentLogger() });
  const sim: Simulation = await simulate({
    scenarios: SCENARIOS, kafka, topicPrefix: prefix, registryUrl: cfg.TRACEHOUND_REGISTRY_URL, kubeconfig: kube.kubeconfig, namespace: NAMESPACE, timeoutMs: 30_000,
  });
  const shown = sim.results.filter((r) => r.outcome !== 'skipped');
  t.ok(shown.length >= 12, `${shown.length} scenarios can be shown on this kernel`);
  for (const r of sim.results) {
    if (r.outcome === 'skipped') t.comment(`${r.name}: skipped (${r.reason})`);
    else t.equal(r.outcome, 'alert', `${r.name}: ${r.rule} on the alerts topic${r.reason ? ` (${r.reason})` : ''}, ${r.latencyMs} ms`);
  }

  const api = await login(platform.url, admin!.user, admin!.password);
  const podName = sim.pod!.name;
  const alertsOfPod = async (a: Api) => {
    const r = await a.get(`/api/v1/alerts?namespace=${NAMESPACE}&limit=1000`);
    return (r.body.items ?? []).filter((x) => x.pod === podName);
  };
  const alerts = await eventually(async () => {
    const list = await alertsOfPod(api);
    return shown.every((s) => list.some((a) => a.rule_id === s.rule && a.container === s.name)) ? list : undefined;
  }, 60_000, 'every scenario\'s alert through the API');
  for (const s of shown) {
    const a = alerts.find((x) => x.rule_id === s.rule && x.container === s.name)!;
    t.match(a, { namespace: NAMESPACE, pod: podName, container: s.name, id: s.alertId, event_id: s.eventId }, `${s.name}: alert with its pod context`);
  }
  const eventIds = shown.map((s) => s.eventId!);
  await eventually(async () => {
    for (const id of eventIds) if ((await api.get(`/api/v1/events/${encodeURIComponent(id)}`)).status !== 200) return undefined;
    return true;
  }, 60_000, 'every triggering event queryable');
  for (const s of shown) {
    const ev = (await api.get(`/api/v1/events/${encodeURIComponent(s.eventId!)}`)).body.event;
    t.match(ev, { enrichment: 'resolved', namespace: NAMESPACE, pod: podName, container: s.name, pod_uid: sim.podUid, container_id: s.containerId }, `${s.name}: its event in ClickHouse, enriched`);
  }
  const podEvents = async (a: Api) => {
    const r = await a.get(`/api/v1/events?namespace=${NAMESPACE}&pod=${podName}&limit=1000`);
    return (r.body.items ?? []).map((x) => String(x.id));
  };
  const before = { alerts: alerts.map((a) => String(a.id)).sort(), events: (await podEvents(api)).sort() };
  t.ok(before.events.length >= shown.length, `${before.events.length} events of the imitated pod stored`);

  // Restart everything this process hosts, on the same data dir.
  const first = admin!;
  await platform.close();
  platform = undefined;
  admin = undefined;
  platform = await startPlatform(cfg, { logger: silentLogger(), onFirstAdmin: (user, password) => (admin = { user, password }) });
  t.notOk(admin, 'no second first admin after a restart: users persisted');
  await sleep(5_000); // anything re-delivered after the restart has landed by now
  const again = await login(platform.url, first.user, first.password);
  const after = { alerts: (await alertsOfPod(again)).map((a) => String(a.id)).sort(), events: (await podEvents(again)).sort() };
  t.same(after, before, 'the same alerts and events after the restart: nothing lost, nothing duplicated');
  t.equal(new Set(after.events).size, after.events.length, 'no event twice');

  // And the restarted pipeline still works end to end.
  const one = await simulate({
    scenarios: SCENARIOS.filter((x) => x.name === 'crypto-miner-args'), kafka, topicPrefix: prefix, registryUrl: cfg.TRACEHOUND_REGISTRY_URL, kubeconfig: kube.kubeconfig, namespace: NAMESPACE, timeoutMs: 30_000,
  });
  t.equal(one.results[0]!.outcome, 'alert', 'a new alert after the restart');
});
