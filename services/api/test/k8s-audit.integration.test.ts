/* eslint-disable @typescript-eslint/no-explicit-any -- audit and response bodies are asserted with t.match */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CommonConfig, DetectorConfig, loadConfig } from '@tracehound/config';
import { Detection, RuleStore, buildDetector, defaultRuleRecords } from '@tracehound/detector';
import { EnricherServiceConfig, createEnricher } from '@tracehound/enricher';
import { topicName, valueSubject } from '@tracehound/kafka';
import { loadKubeconfig, setPodRunning } from '@tracehound/kube';
import { silentLogger } from '@tracehound/logging';
import { RecordCodec, sampleEvent, sampleProcess, type Alert, type Event } from '@tracehound/schemas';
import { request } from 'node:https';
import { eventually, testKafka, testPki } from '@tracehound/testkit';
import { startAuditKube } from './fixtures/audit-kube.js';
import { testApi } from './helpers.js';

const TOKEN = randomBytes(24).toString('hex');
const LIMIT = 256 * 1024;
const PKI = testPki(['kube-apiserver-audit', 'someone-else']);
const HTTPS = { key: PKI.server.key, cert: PKI.server.cert, ca: PKI.ca };

t.test('Kubernetes audit webhook: a real kube-apiserver posts its audit events, the default rules fire on them', async (t) => {
  const tk = await testKafka('k8saudit', ['eventsRaw', 'eventsEnriched', 'rules', 'alerts', 'notifyRoutes', 'deadLetter']);
  const { api, get } = await testApi(t, {
    kafka: { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix },
    k8sAudit: { tokens: [TOKEN], clientNames: [], node: 'test-cluster', bodyLimit: LIMIT },
    https: HTTPS,
  });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (api.app.server.address() as { port: number }).port;
  const url = `https://127.0.0.1:${port}/api/v1/k8s-audit`;

  // What reached events.raw.
  const events: Event[] = [];
  const rawCodec = new RecordCodec(tk.registry, 'tracehound.Event');
  const consumer = tk.kafka.consumer({ groupId: `${tk.prefix}-reader` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topicName(tk.prefix, 'eventsRaw')], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void events.push(await rawCodec.decode(message.value!)) });
  t.teardown(() => consumer.disconnect());

  const kube = await startAuditKube(url, TOKEN, PKI.ca);
  t.teardown(() => kube.down());
  const ns = `audit-${Date.now().toString(36)}`;
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await kube.call(method, path, body);
    t.ok(r.status < 300, `${method} ${path}: ${r.status}`);
    return r;
  };
  await ok('POST', '/api/v1/namespaces', { metadata: { name: ns } });
  await ok('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: 'default' } });
  await ok('POST', `/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'priv' }, spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } });
  await ok('POST', `/api/v1/namespaces/${ns}/pods`, {
    metadata: { name: 'hostpid' },
    spec: { hostPID: true, volumes: [{ name: 'root', hostPath: { path: '/' } }], containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'root', mountPath: '/host' }] }] },
  });
  await ok('POST', `/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'plain' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  await ok('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    metadata: { name: `${ns}-admin` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'User', name: 'mallory', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  await ok('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: `${ns}-all` }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] });
  await ok('POST', `/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 'db' }, stringData: { password: 'x' } });
  await ok('GET', `/api/v1/namespaces/${ns}/secrets/db`);
  await ok('POST', `/api/v1/namespaces/${ns}/serviceaccounts/default/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } });
  await ok('POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'audit-policy' }, data: { 'policy.yaml': 'rules: []' } });
  // No kubelet: the exec cannot reach a container, but the API server audits the attempt.
  const exec = await kube.call('POST', `/api/v1/namespaces/${ns}/pods/priv/exec?command=sh&stdin=true&stdout=true&tty=true`);
  t.ok(exec.status >= 400, `exec without a kubelet is refused (${exec.status}) but audited`);
  const anon = await kube.call('GET', '/version', undefined, null);
  t.equal(anon.status, 200, 'anonymous /version is allowed (system:public-info-viewer)');

  const audit = (pred: (e: Event) => boolean, what: string) => eventually(() => events.find((e) => e.kind === 'k8s_audit' && pred(e)), 30_000, what);
  const secretRead = await audit((e) => e.audit!.resource === 'secrets' && e.audit!.verb === 'get' && e.audit!.namespace === ns, 'the secret read');
  t.match(secretRead, { node: 'test-cluster', id: /^k8s-audit-[0-9a-f-]+-ResponseComplete$/, audit: { user: 'tracehound-admin', response_code: 200, name: 'db', level: 'Metadata', request_object: null } });
  const privPod = await audit((e) => e.audit!.resource === 'pods' && e.audit!.subresource === null && e.audit!.verb === 'create' && /"name":"priv"/.test(e.audit!.request_object ?? ''), 'the privileged pod');
  t.match(privPod.audit!.request_object, /"privileged":true/, 'the policy keeps pod bodies');
  await audit((e) => e.audit!.subresource === 'exec', 'the exec attempt');
  await audit((e) => e.audit!.user === 'system:anonymous' && e.audit!.request_uri === '/version', 'the anonymous request');
  await audit((e) => e.audit!.resource === 'configmaps' && e.audit!.name === 'audit-policy', 'the configmap');
  t.notOk(events.some((e) => e.audit?.stage === 'RequestReceived'), 'the policy omits the RequestReceived stage');

  // The default rule set, as a detector runs it, over what arrived.
  const store = new RuleStore();
  for (const r of defaultRuleRecords()) store.apply(r.key, r.value, 'test');
  const detection = new Detection({ maxKeys: 1000 });
  detection.setRules(store.set);
  const mine = events.filter((e) => e.kind === 'k8s_audit' && (e.audit!.namespace === ns || (e.audit!.name ?? '').startsWith(ns) || e.audit!.user === 'system:anonymous'));
  const fired = new Set(mine.flatMap((e, i) => detection.process(e, 0, BigInt(i)).map((a) => a.rule.id)));
  for (const id of ['k8s-audit-pod-exec', 'k8s-audit-privileged-pod', 'k8s-audit-host-namespace-pod', 'k8s-audit-sensitive-hostpath-pod', 'k8s-audit-cluster-admin-binding',
    'k8s-audit-wildcard-role', 'k8s-audit-secret-read-unusual-user', 'k8s-audit-anonymous-allowed', 'k8s-audit-service-account-token-created', 'k8s-audit-policy-changed']) {
    t.ok(fired.has(id), `${id} fired on a real audit event`);
  }
  const plain = mine.find((e) => /"name":"plain"/.test(e.audit!.request_object ?? ''))!;
  t.ok(plain, 'the plain pod was audited');
  t.same(detection.process(plain, 0, 10_000n).map((a) => a.rule.id), [], 'a plain pod fires nothing');

  const metrics = (await get('/metrics', '')).body as string;
  t.match(metrics, /tracehound_api_k8s_audit_events_total\{outcome="published"\} \d+/);

  await t.test('both worlds: the exec from the audit log, then a shell in that pod from the kernel, through enricher and detector', async (t) => {
    const cid = randomBytes(32).toString('hex');
    const running = await setPodRunning(loadKubeconfig(kube.kubeconfig), ns, 'priv', { containers: [{ name: 'c', id: cid }] });
    const uid = running.metadata!.uid!;
    const env = { ...process.env, TRACEHOUND_TOPIC_PREFIX: tk.prefix, TRACEHOUND_TOPIC_PARTITIONS: '3', TRACEHOUND_LOG_LEVEL: 'silent' };
    const enricher = createEnricher(loadConfig(EnricherServiceConfig, { ...env, TRACEHOUND_KUBECONFIG: kube.kubeconfig, TRACEHOUND_ENRICHER_GROUP: `${tk.prefix}.enricher` }), { logger: silentLogger(), kafka: tk.kafka });
    await enricher.start();
    t.teardown(() => enricher.close());
    const detector = buildDetector(loadConfig(Type.Composite([CommonConfig, DetectorConfig]), { ...env, TRACEHOUND_DETECTOR_GROUP_ID: `${tk.prefix}.detector` }), { kafka: tk.kafka, logger: silentLogger() });
    await detector.start();
    t.teardown(() => detector.close());
    const alerts: Alert[] = [];
    const alertCodec = new RecordCodec(tk.registry, 'tracehound.Alert');
    const reader = tk.kafka.consumer({ groupId: `${tk.prefix}-alerts-reader` });
    await reader.connect();
    await reader.subscribe({ topics: [topicName(tk.prefix, 'alerts')], fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void alerts.push(await alertCodec.decode(message.value!)) });
    t.teardown(() => reader.disconnect());

    const execAlert = await eventually(() => alerts.find((a) => a.rule.id === 'k8s-audit-pod-exec'), 60_000, 'the exec alert');
    await new Promise((r) => setTimeout(r, 1_000));
    t.equal(alerts.filter((a) => a.rule.id === 'k8s-audit-pod-exec').length, 1, 'one alert for the exec, though it is audited at start and at end');
    t.match(execAlert.event.k8s, { namespace: ns, pod: 'priv', pod_uid: uid, privileged: true }, 'the enricher gave the audit event its pod');
    // The kernel side: a shell in that container, as the agent reports it, a moment after the exec.
    const codec = new RecordCodec(tk.registry, 'tracehound.Event');
    await codec.register(valueSubject(topicName(tk.prefix, 'eventsRaw')));
    const shell = sampleEvent('process_exec', {
      id: `shell-${cid.slice(0, 8)}`, node: 'node-1', ts: execAlert.event.ts + 2_000_000_000n,
      process: sampleProcess({ container_id: cid, cgroup_path: `/kubepods.slice/kubepods-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-${cid}.scope` }),
    });
    const producer = tk.kafka.producer();
    await producer.connect();
    await producer.send({ topic: topicName(tk.prefix, 'eventsRaw'), messages: [{ key: `node-1/${cid}`, value: codec.encode(shell) }] });
    await producer.disconnect();
    const seq = await eventually(() => alerts.find((a) => a.rule.id === 'k8s-exec-then-shell-or-sensitive-read'), 60_000, 'the sequence alert');
    t.match(seq, { severity: 'high', stateful: { type: 'sequence', count: 2 }, event: { id: shell.id, k8s: { pod_uid: uid } } });
    t.ok(seq.stateful!.event_ids[0]!.startsWith(`k8s-audit-${execAlert.event.audit!.audit_id}-`), 'the chain starts at the audited exec');
  });
});

t.test('Kubernetes audit webhook: bad input gets clear answers and is counted', async (t) => {
  const tk = await testKafka('k8saudit-bad', ['eventsRaw', 'rules', 'alerts', 'notifyRoutes', 'deadLetter']);
  const { api } = await testApi(t, {
    kafka: { kafka: tk.kafka, registryUrl: tk.registryUrl, topicPrefix: tk.prefix },
    k8sAudit: { tokens: [TOKEN], clientNames: ['kube-apiserver-audit'], node: 'test-cluster', bodyLimit: LIMIT },
    https: HTTPS,
  });
  const post = async (payload: unknown, token: string | null = TOKEN, raw = false) => {
    const r = await api.app.inject({ method: 'POST', url: '/api/v1/k8s-audit', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload: raw ? (payload as string) : JSON.stringify(payload) });
    return { status: r.statusCode, body: JSON.parse(r.body) as any };
  };
  const item = (id: string, over: Record<string, unknown> = {}) => ({
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id, stage: 'ResponseComplete', requestURI: '/api/v1/namespaces/x/secrets/y', verb: 'get',
    user: { username: 'alice', groups: ['system:authenticated'] }, sourceIPs: ['10.0.0.1'], objectRef: { resource: 'secrets', namespace: 'x', name: 'y', apiVersion: 'v1' },
    responseStatus: { code: 200 }, requestReceivedTimestamp: '2026-01-01T00:00:00.000001Z', stageTimestamp: '2026-01-01T00:00:00.123456Z', annotations: { 'authorization.k8s.io/decision': 'allow' }, ...over,
  });
  const list = (items: unknown[]) => ({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });

  let r = await post(list([item('a1')]), null);
  t.equal(r.status, 401, 'no token');
  t.equal(r.body.error, 'TH_ERR_UNAUTHENTICATED');
  t.equal((await post(list([item('a1')]), 'x'.repeat(48))).status, 401, 'a wrong token');
  const session = (await api.app.inject({ method: 'POST', url: '/api/v1/k8s-audit', headers: { authorization: 'Bearer not-a-webhook-token' }, payload: list([]) })).statusCode;
  t.equal(session, 401, 'a user session token is not a webhook token');

  // Client certificates, over real TLS: a known common name is a credential, another is not.
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (api.app.server.address() as { port: number }).port;
  const tlsPost = (client?: { key: string; cert: string }) => new Promise<number>((resolve, reject) => {
    const req = request(`https://127.0.0.1:${port}/api/v1/k8s-audit`, { method: 'POST', ca: PKI.ca, ...(client ?? {}), headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(list([item('cert-1')])));
  });
  t.equal(await tlsPost(PKI.clients['kube-apiserver-audit']), 200, 'a client certificate with an accepted common name');
  t.equal(await tlsPost(PKI.clients['someone-else']), 401, 'a valid certificate with another common name');
  t.equal(await tlsPost(), 401, 'neither certificate nor token');

  r = await post({ kind: 'Pod', apiVersion: 'v1', items: [] });
  t.equal(r.status, 400);
  t.match(r.body, { error: 'TH_ERR_INVALID_INPUT', field: 'kind' });
  r = await post({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: 'nope' });
  t.match(r.body, { error: 'TH_ERR_INVALID_INPUT', field: 'items' });
  r = await post('{"kind": "EventList", ', TOKEN, true);
  t.equal(r.status, 400, 'not JSON');
  r = await post(list([{ auditID: 'x' }]));
  t.equal(r.status, 400, 'no valid item at all');
  t.match(r.body.message, /items\[0\]\.stage: required/);
  r = await post(list([item('b1'), item('b2', { user: {} }), item('b3', { stageTimestamp: 'yesterday', requestReceivedTimestamp: undefined })]));
  t.equal(r.status, 200, 'a batch with some bad items keeps the good ones');
  t.same(r.body, { accepted: 1, duplicates: 0, rejected: [{ index: 1, reason: 'items[1].user.username: required' }, { index: 2, reason: 'items[2].stageTimestamp: required, RFC 3339' }] });

  const big = list(Array.from({ length: 400 }, (_, i) => item(`big-${i}`, { requestObject: { pad: 'x'.repeat(1000) } })));
  r = await post(big);
  t.equal(r.status, 413, 'over the body limit');
  t.equal(r.body.error, 'TH_ERR_BODY_TOO_LARGE');

  const batch = list([item('r1'), item('r2'), item('r2')]);
  t.same((await post(batch)).body, { accepted: 2, duplicates: 1, rejected: [] }, 'a repeat inside one batch is dropped');
  t.same((await post(batch)).body, { accepted: 0, duplicates: 3, rejected: [] }, 'a resent batch publishes nothing');

  const codec = new RecordCodec(tk.registry, 'tracehound.Event');
  const ids: string[] = [];
  const consumer = tk.kafka.consumer({ groupId: `${tk.prefix}-reader` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topicName(tk.prefix, 'eventsRaw')], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void ids.push((await codec.decode(message.value!)).id) });
  t.teardown(() => consumer.disconnect());
  await eventually(() => (ids.length >= 4 ? true : undefined), 20_000, 'published events');
  await new Promise((res) => setTimeout(res, 500));
  t.same(ids.sort(), ['k8s-audit-b1-ResponseComplete', 'k8s-audit-cert-1-ResponseComplete', 'k8s-audit-r1-ResponseComplete', 'k8s-audit-r2-ResponseComplete'], 'each audit event once on events.raw');

  const metrics = (await api.app.inject({ method: 'GET', url: '/metrics' })).body;
  for (const m of ['result="unauthenticated"', 'result="too_large"', 'result="malformed"', 'outcome="duplicate"', 'outcome="rejected"']) t.match(metrics, m, `counted: ${m}`);
});
