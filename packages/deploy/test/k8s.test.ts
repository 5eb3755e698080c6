import t from 'tap';
import { loadConfig } from '@tracehound/config';
import { COMMAND_CONFIGS } from '../src/commands.js';
import { containerEnvironment, describeObject, validateManifest, workloads, type Manifest } from '../src/manifests.js';
import { BASE, OVERLAY, rendered } from './helpers.js';

/** Checks that need no API server: schemas, hardening, and every container's configuration. */
for (const [name, dir] of [['base', BASE], ['example overlay', OVERLAY]] as const) {
  t.test(`k8s ${name}: every object matches the Kubernetes API schema`, async (t) => {
    const objects = await rendered(dir);
    t.ok(objects.length >= 20, `${objects.length} objects rendered`);
    for (const o of objects) t.doesNotThrow(() => validateManifest(o), describeObject(o));
  });

  t.test(`k8s ${name}: every container starts with a configuration its command accepts`, async (t) => {
    const objects = await rendered(dir);
    const ws = workloads(objects);
    t.same(ws.map((w) => w.command).sort(), ['agent', 'api', 'detector', 'enricher', 'notifier', 'sink']);
    for (const w of ws) {
      const schema = COMMAND_CONFIGS[w.command];
      if (!schema) throw new Error(`no configuration schema for tracehound ${w.command}`);
      const env = containerEnvironment(w, objects, { optionalSecrets: name === 'base' });
      const cfg = loadConfig(schema, env) as Record<string, unknown>;
      // The probes reach the port the process listens on, on every address.
      const hostVar = Object.keys(cfg).find((k) => /^TRACEHOUND_(\w+_HTTP|API)_HOST$/.test(k))!;
      const portVar = hostVar.replace(/_HOST$/, '_PORT');
      t.equal(cfg[hostVar], '0.0.0.0', `${w.command}: ${hostVar} listens beyond loopback`);
      const port = w.container.ports?.[0];
      t.equal(cfg[portVar], port?.containerPort, `${w.command}: ${portVar} is the container port`);
      t.equal(w.container.livenessProbe?.httpGet?.path, '/healthz', `${w.command}: liveness on /healthz`);
      t.equal(w.container.readinessProbe?.httpGet?.path, '/readyz', `${w.command}: readiness on /readyz`);
      t.equal(w.container.readinessProbe?.httpGet?.port, port?.name, `${w.command}: probes on the named port`);
      if ((w.command === 'sink' || w.command === 'api') && name !== 'base') t.match(cfg.TRACEHOUND_CLICKHOUSE_URL, /^https?:\/\//, `${w.command}: ClickHouse by URL`);
      if (w.command === 'agent') t.equal(env.TRACEHOUND_NODE_NAME, 'from-spec.nodeName', 'agent: node name from the downward API');
    }
  });

  t.test(`k8s ${name}: hardening`, async (t) => {
    const objects = await rendered(dir);
    for (const w of workloads(objects)) {
      const c = w.container;
      const sc = c.securityContext ?? {};
      t.ok(c.resources?.limits?.cpu && c.resources.limits.memory, `${w.command}: cpu and memory limits`);
      t.ok(c.resources?.requests?.cpu && c.resources.requests.memory, `${w.command}: cpu and memory requests`);
      t.equal(sc.readOnlyRootFilesystem, true, `${w.command}: read-only root fs`);
      t.equal(sc.allowPrivilegeEscalation, false, `${w.command}: no privilege escalation`);
      t.same(sc.capabilities?.drop, ['ALL'], `${w.command}: drops every capability`);
      t.notOk(sc.privileged, `${w.command}: not privileged`);
      if (w.command === 'agent') {
        t.equal(w.pod.hostPID, true, 'agent: host PID namespace');
        t.notOk(w.pod.hostNetwork, 'agent: no host network');
        t.same([...(sc.capabilities?.add ?? [])].sort(), ['BPF', 'PERFMON', 'SYS_PTRACE', 'SYS_RESOURCE'], 'agent: exactly the capabilities it needs');
        const hostPaths = new Map((w.pod.volumes ?? []).filter((v) => v.hostPath).map((v) => [v.name, v.hostPath!.path]));
        for (const m of c.volumeMounts ?? []) {
          if (!hostPaths.has(m.name)) continue;
          const path = hostPaths.get(m.name)!;
          if (path === '/var/lib/tracehound/agent') t.notOk(m.readOnly, 'agent: the spool is its one writable host path');
          else t.equal(m.readOnly, true, `agent: ${path} mounted read-only`);
        }
        t.same([...hostPaths.values()].sort(), ['/sys/fs/cgroup', '/sys/kernel/btf', '/sys/kernel/tracing', '/var/lib/tracehound/agent']);
        t.ok(w.pod.tolerations?.some((x) => x.operator === 'Exists' && !x.key), 'agent: tolerates every taint');
        t.equal(w.object.metadata?.namespace, 'tracehound-agent', 'agent: alone in its namespace');
      } else {
        t.equal(w.pod.securityContext?.runAsNonRoot, true, `${w.command}: non-root`);
        t.equal(w.pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${w.command}: RuntimeDefault seccomp`);
        t.equal(w.object.metadata?.namespace, 'tracehound', `${w.command}: in the restricted namespace`);
      }
    }
    const ns = (name: string) => objects.find((o) => o.kind === 'Namespace' && o.metadata?.name === name)?.metadata?.labels ?? {};
    t.equal(ns('tracehound')['pod-security.kubernetes.io/enforce'], 'restricted');
    t.equal(ns('tracehound-agent')['pod-security.kubernetes.io/enforce'], 'privileged');
  });

  t.test(`k8s ${name}: least-privilege RBAC`, async (t) => {
    const objects = await rendered(dir);
    const roles = objects.filter((o) => /Role$/.test(o.kind ?? '')) as Array<Manifest & { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> }>;
    t.same(roles.map(describeObject), ['ClusterRole/tracehound-enricher'], 'one role, the enricher\'s');
    const grants = roles[0]!.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || 'core'}/${res}:${v}`)))).sort();
    t.same(grants, [
      'apps/replicasets:get', 'batch/jobs:get',
      'core/namespaces:get', 'core/namespaces:list', 'core/namespaces:watch', 'core/pods:get', 'core/pods:list', 'core/pods:watch',
    ]);
    const bindings = objects.filter((o) => /RoleBinding$/.test(o.kind ?? '')) as Array<Manifest & { subjects: Array<{ name: string; namespace: string }> }>;
    t.same(bindings.flatMap((b) => b.subjects.map((s) => `${s.namespace}/${s.name}`)), ['tracehound/tracehound-enricher']);
    const withToken = workloads(objects).filter((w) => w.pod.automountServiceAccountToken !== false).map((w) => w.command);
    t.same(withToken, ['enricher'], 'only the enricher gets an API token');
  });
}

t.test('k8s example overlay: its settings win over the base', async (t) => {
  const objects = await rendered(OVERLAY);
  const cm = objects.filter((o) => o.kind === 'ConfigMap') as Manifest[];
  t.equal(cm.length, 2);
  for (const c of cm) t.match(c.data?.TRACEHOUND_KAFKA_BROKERS, /kafka-0\.kafka-brokers/, `${describeObject(c)}: brokers from the overlay`);
  for (const c of cm) t.equal(c.data?.TRACEHOUND_DATA_DIR, '/var/lib/tracehound', `${describeObject(c)}: the rest from the base`);
  const images = workloads(objects).map((w) => w.container.image);
  t.ok(images.every((i) => i?.startsWith('registry.example.com/security/')), 'images from the overlay registry');
  const sink = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'tracehound-sink');
  t.equal(sink?.spec?.replicas, 3);
  const secretRef = workloads(objects).find((w) => w.command === 'sink')!.container.envFrom?.find((e) => e.secretRef)?.secretRef?.name;
  t.match(secretRef, /^tracehound-clickhouse-[a-z0-9]+$/, 'the generated Secret (with its content hash) is the one referenced');
});
