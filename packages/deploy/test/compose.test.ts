import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '@tracehound/config';
import { COMMAND_CONFIGS } from '../src/commands.js';
import { REPO_ROOT, runTool } from '../src/tools.js';

const FILE = join(REPO_ROOT, 'docker-compose.kafka.yml');

interface ComposeService {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: Array<{ host_ip?: string; published?: string; target: number }>;
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  pid?: string;
  user?: string;
  volumes?: Array<{ source: string; target: string; read_only?: boolean }>;
}

/** `docker compose config`: the Compose CLI's own parsing, validation and interpolation. */
const config = async (file: string, envFile?: string) => {
  const out = await runTool('docker', ['compose', '-f', file, ...(envFile ? ['--env-file', envFile] : []), '--profile', 'agent', '--profile', 'kube', 'config', '--format', 'json']);
  return JSON.parse(out) as { services: Record<string, ComposeService> };
};

t.test('docker-compose.kafka.yml: docker compose config accepts it', async (t) => {
  const { services } = await config(FILE);
  t.same(Object.keys(services).sort(), ['agent', 'api', 'clickhouse', 'detector', 'enricher', 'kafka', 'notifier', 'registry', 'sink']);
  t.match(services.kafka!.image, /^apache\/kafka:\d+\.\d+\.\d+$/, 'Apache Kafka, pinned');
  t.match(services.registry!.image, /^apicurio\/apicurio-registry:3\.\d+\.\d+$/, 'Apicurio Registry 3, pinned');
  t.match(services.clickhouse!.image, /^clickhouse\/clickhouse-server:\d+\.\d+$/, 'ClickHouse server, pinned');
  for (const s of Object.values(services)) {
    for (const p of s.ports ?? []) t.equal(p.host_ip, '127.0.0.1', `${s.image}: port ${p.target} published on loopback only`);
  }
});

t.test('docker-compose.kafka.yml: every Tracehound service starts with a configuration its command accepts', async (t) => {
  const envFile = join(await mkdtemp(join(tmpdir(), 'th-compose-')), '.env');
  await writeFile(envFile, 'CLICKHOUSE_PASSWORD=s3cret\n');
  const { services } = await config(FILE, envFile);
  const ours = Object.entries(services).filter(([, s]) => s.command?.length);
  t.same(ours.map(([n]) => n).sort(), ['agent', 'api', 'detector', 'enricher', 'notifier', 'sink']);
  for (const [name, s] of ours) {
    const command = s.command![0]!;
    const cfg = loadConfig(COMMAND_CONFIGS[command]!, s.environment ?? {}) as Record<string, unknown>;
    t.equal(cfg.TRACEHOUND_KAFKA_BROKERS, 'kafka:29092', `${name}: the broker's internal listener`);
    t.equal(cfg.TRACEHOUND_REGISTRY_URL, 'http://registry:8080/apis/ccompat/v7', `${name}: the registry's Confluent-compatible API`);
    t.same(s.depends_on?.kafka, { condition: 'service_healthy', required: true }, `${name}: starts once Kafka is healthy`);
    t.equal(s.read_only, true, `${name}: read-only root file system`);
    t.same(s.cap_drop, ['ALL'], `${name}: drops every capability`);
    if (command === 'sink' || command === 'api') t.equal(cfg.TRACEHOUND_CLICKHOUSE_URL, 'http://tracehound:s3cret@clickhouse:8123', `${name}: ClickHouse with the password from CLICKHOUSE_PASSWORD`);
  }
  const agent = services.agent!;
  t.equal(agent.pid, 'host');
  t.same([...(agent.cap_add ?? [])].sort(), ['BPF', 'PERFMON', 'SYS_PTRACE', 'SYS_RESOURCE'], 'the agent: the DaemonSet\'s capabilities');
  for (const v of agent.volumes ?? []) if (v.source.startsWith('/sys/')) t.equal(v.read_only, true, `the agent: ${v.source} read-only`);
});

t.test('docker compose config refuses a broken file (the check can fail)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'th-compose-'));
  const broken = join(dir, 'docker-compose.yml');
  await writeFile(broken, (await readFile(FILE, 'utf8')).replace('kafka: { condition: service_healthy }\n    registry:', 'kafka: { condition: service_sometimes }\n    registry:'));
  await t.rejects(config(broken), /service_sometimes|condition/);
});
