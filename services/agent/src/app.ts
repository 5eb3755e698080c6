import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { TracehoundError } from '@tracehound/errors';
import { createKafka, provisionTopics, waitForKafka } from '@tracehound/kafka';
import type { Logger } from '@tracehound/logging';
import { createRegistry, type Event } from '@tracehound/schemas';
import { startOpsServer } from '@tracehound/service';
import { LoaderProcess } from './adapters/loader-process.js';
import { JsonSink } from './adapters/json-sink.js';
import { KafkaSink } from './adapters/kafka-sink.js';
import type { EventSink } from './adapters/sink.js';
import { CgroupResolver, findCgroup2Mount } from './cgroup-resolver.js';
import { estimateBootOffsetNs } from './clock.js';
import type { AgentAppConfig } from './config.js';
import { eventIds, hostPrefix } from './event-id.js';
import { FrameHandler } from './handler.js';
import { LoaderControl, type CommandReply } from './loader-control.js';
import { AgentCounters } from './stats.js';

export const DEFAULT_LOADER = fileURLToPath(new URL('../../../bpf/.output/tracehound-loader', import.meta.url));

/** Loader exit codes that mean BPF cannot work on this host (bpf/README.md): not retried. */
const FATAL_EXITS = [1, 2, 3, 4, 5];
const FATAL_WHY: Record<number, string> = {
  1: 'the loader rejected its arguments',
  2: 'not permitted: run as root or with CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE',
  3: 'no kernel BTF at /sys/kernel/btf/vmlinux',
  4: 'the kernel refused the BPF programs',
  5: 'no BPF program could be attached',
};

export interface AgentDeps {
  log: Logger;
  /** For --output json; defaults to process.stdout. */
  stdout?: Writable;
  /** Extra loader arguments (tests narrow what is loaded). */
  loaderArgs?: string[];
  /** Called when BPF cannot work here; the agent stops by itself. */
  onFatal?: (reason: string) => void;
}

export interface Agent {
  readonly node: string;
  readonly counters: AgentCounters;
  command(line: string): Promise<CommandReply>;
  /** Resolves when the loader has said hello (programs attached). */
  ready(): Promise<void>;
  status(): Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * Wires the node agent: loader → frames → Events → Kafka (or JSON lines), with the disk spool,
 * agent_stats events every interval, and /healthz + /metrics.
 */
export async function buildAgent(cfg: AgentAppConfig, deps: AgentDeps): Promise<Agent> {
  const { log } = deps;
  const node = cfg.TRACEHOUND_NODE_NAME ?? hostname();
  const binary = cfg.TRACEHOUND_AGENT_LOADER ?? DEFAULT_LOADER;
  if (!existsSync(binary)) {
    throw new TracehoundError('TH_ERR_MISSING_TOOL', `TRACEHOUND_AGENT_LOADER: no loader at ${binary}; build it with bpf/build.sh (installs clang, libbpf-dev, bpftool when missing)`);
  }

  let sink: EventSink;
  if (cfg.TRACEHOUND_AGENT_OUTPUT === 'json') {
    sink = new JsonSink(deps.stdout ?? process.stdout);
  } else {
    const client = { brokers: cfg.TRACEHOUND_KAFKA_BROKERS, clientId: `${cfg.TRACEHOUND_KAFKA_CLIENT_ID}-agent`, logger: log };
    await waitForKafka(client);
    const kafka = createKafka(client);
    const admin = kafka.admin();
    await admin.connect();
    await provisionTopics(admin, { prefix: cfg.TRACEHOUND_TOPIC_PREFIX, partitions: cfg.TRACEHOUND_TOPIC_PARTITIONS, replication: cfg.TRACEHOUND_TOPIC_REPLICATION, ids: ['eventsRaw', 'deadLetter'] }).finally(() => admin.disconnect());
    sink = await KafkaSink.open({
      kafka, registry: createRegistry(cfg.TRACEHOUND_REGISTRY_URL), registryUrl: cfg.TRACEHOUND_REGISTRY_URL, topicPrefix: cfg.TRACEHOUND_TOPIC_PREFIX,
      dataDir: cfg.TRACEHOUND_DATA_DIR, spoolMaxBytes: cfg.TRACEHOUND_AGENT_SPOOL_MAX_MB * 1024 * 1024, log,
    });
  }

  const counters = new AgentCounters();
  const cgroups = new CgroupResolver(findCgroup2Mount());
  const prefix = hostPrefix(node);
  const ringbuf = 2 ** Math.ceil(Math.log2(cfg.TRACEHOUND_AGENT_RINGBUF_MB * 1024 * 1024));
  let fatal: string | undefined;
  let resolveReady!: () => void;
  let rejectReady!: (e: unknown) => void;
  const readyP = new Promise<void>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
  readyP.catch(() => undefined);

  // The loader's callbacks use `handler` and `control`, declared below: they run only after start().
  const loader = new LoaderProcess({
    binary,
    args: ['--stats-interval', '1', '--ringbuf-size', String(ringbuf), '--ignore-pid', String(process.pid), ...(deps.loaderArgs ?? [])],
    log: log.child({ component: 'loader' }),
    onFrame: (f) => {
      handler.onFrame(f);
      if (handler.helloSeen) resolveReady();
    },
    onNotice: (line) => log.debug({ loader: line }, 'loader notice'),
    onRestart: () => {
      counters.loaderRestart();
      handler.loaderRestarted();
      control.restarted();
    },
    fatalExitCodes: FATAL_EXITS,
    onFatal: (code, lines) => {
      fatal = `${FATAL_WHY[code] ?? `loader exit ${code}`}: ${lines.slice(-3).join(' | ')}`;
      log.error({ code, lastLines: lines }, `BPF cannot be used here: ${fatal}`);
      rejectReady(new TracehoundError('TH_ERR_MISSING_TOOL', `BPF cannot be used here: ${fatal}`));
      deps.onFatal?.(fatal);
    },
  });
  const control = new LoaderControl(loader);
  const emit = (ev: Event) => sink.write(ev);
  const handler = new FrameHandler(
    { node, id: eventIds(prefix), cgroup: (id, pid) => {
      const r = cgroups.resolve(id, pid);
      return { path: r.path, containerId: r.container?.containerId ?? null };
    } },
    estimateBootOffsetNs(), counters, control, emit, log,
  );

  const statsTimer = setInterval(() => {
    emit({
      id: `${prefix}-stats-${Date.now().toString(16)}`, ts: BigInt(Date.now()) * 1_000_000n, node, kind: 'agent_stats',
      enrichment: null, process: null, exec: null, exit: null, fork: null, file: null, net: null, privilege: null, capability: null, ptrace: null,
      module: null, mount: null, namespace_change: null, memfd: null, dup: null, bpf: null, audit: null, stats: counters.snapshot(sink.spoolState()), k8s: null,
    });
  }, cfg.TRACEHOUND_AGENT_STATS_INTERVAL_MS);

  const status = () => {
    const progs = [...handler.programs.values()];
    return {
      node, loaderPid: loader.pid ?? null, loaderRestarts: loader.restarts, corruptFrames: loader.corruptFrames, fatal: fatal ?? null,
      programsAttached: progs.filter((p) => p.attached).length, programsFailed: progs.filter((p) => !p.attached).map((p) => `${p.name}: ${p.detail}`),
      cgroupCache: cgroups.size, ...sink.status(),
    };
  };

  let ops: FastifyInstance | undefined;
  try {
    ops = await startOpsServer({ host: cfg.TRACEHOUND_AGENT_HTTP_HOST, port: cfg.TRACEHOUND_AGENT_HTTP_PORT, ready: () => handler.helloSeen && !fatal, details: status });
  } catch (err) {
    clearInterval(statsTimer);
    await sink.close();
    throw new TracehoundError('TH_ERR_CONFIG', `TRACEHOUND_AGENT_HTTP_PORT: cannot listen on ${cfg.TRACEHOUND_AGENT_HTTP_HOST}:${cfg.TRACEHOUND_AGENT_HTTP_PORT}: ${(err as Error).message}`, { cause: err });
  }
  loader.start();
  log.info({ node, loader: binary, output: cfg.TRACEHOUND_AGENT_OUTPUT, dataDir: join(cfg.TRACEHOUND_DATA_DIR) }, 'agent started');

  return {
    node,
    counters,
    command: (line) => control.send(line),
    ready: () => readyP,
    status,
    async close() {
      clearInterval(statsTimer);
      await loader.stop();
      await sink.close();
      await ops?.close();
    },
  };
}
