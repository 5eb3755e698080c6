import { Type } from '@sinclair/typebox';

// docs/configuration.md is generated from this file: run `npm run gen:config-doc` after a change
// (packages/deploy/test/config-doc.test.ts fails while it is stale).

/**
 * Configuration pieces shared by every Tracehound process. Services compose these with
 * Type.Composite and their own fields; this is the one place each variable is defined.
 */
export const LogConfig = Type.Object({
  TRACEHOUND_LOG_LEVEL: Type.Union(
    [Type.Literal('trace'), Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('fatal'), Type.Literal('silent')],
    { default: 'info', description: 'one of trace, debug, info, warn, error, fatal, silent' },
  ),
});

export const DataDirConfig = Type.Object({
  TRACEHOUND_DATA_DIR: Type.String({ default: '.data', minLength: 1, description: 'a writable directory for data, logs and caches' }),
});

export const KafkaConfig = Type.Object({
  TRACEHOUND_KAFKA_BROKERS: Type.String({
    default: '127.0.0.1:9092',
    pattern: '^[^,:\\s]+:[0-9]{1,5}(,[^,:\\s]+:[0-9]{1,5})*$',
    description: 'comma-separated host:port list',
    examples: ['127.0.0.1:9092,kafka-1:9092'],
  }),
  TRACEHOUND_KAFKA_CLIENT_ID: Type.String({ default: 'tracehound', minLength: 1, description: 'a Kafka client id' }),
  TRACEHOUND_TOPIC_PREFIX: Type.String({ default: 'tracehound', pattern: '^[A-Za-z0-9._-]+$', description: 'a topic name prefix of letters, digits, dot, dash or underscore' }),
  TRACEHOUND_TOPIC_PARTITIONS: Type.Integer({ default: 6, minimum: 1, maximum: 1000, description: 'partitions per topic when Tracehound creates topics (1-1000)' }),
  TRACEHOUND_TOPIC_REPLICATION: Type.Integer({ default: 1, minimum: 1, maximum: 10, description: 'replication factor when Tracehound creates topics (1-10)' }),
});

export const RegistryConfig = Type.Object({
  TRACEHOUND_REGISTRY_URL: Type.String({
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
    pattern: '^https?://',
    description: 'the http(s) URL of a Confluent-compatible schema registry API',
    examples: ['http://127.0.0.1:8081/apis/ccompat/v7'],
  }),
});

export const ClickHouseConfig = Type.Object({
  TRACEHOUND_CLICKHOUSE_URL: Type.Optional(Type.String({
    pattern: '^https?://',
    description: 'the http(s) URL of a ClickHouse server; unset means embedded chDB under the data dir',
    examples: ['http://default:secret@clickhouse:8123/tracehound'],
  })),
  TRACEHOUND_CLICKHOUSE_DATABASE: Type.String({ default: 'tracehound', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'a ClickHouse database name' }),
});

export const CommonConfig = Type.Composite([LogConfig, DataDirConfig, KafkaConfig, RegistryConfig]);

const Port = (name: string, port: number) =>
  Type.Integer({ default: port, minimum: 1, maximum: 65535, description: `a TCP port on 127.0.0.1 for ${name} (1-65535)` });
const Heap = (name: string) =>
  Type.String({ default: '512m', pattern: '^[0-9]+[mMgG]$', description: `the JVM heap limit of ${name}, a number followed by m or g`, examples: ['512m'] });

/**
 * The local stack (`tracehound stack up|down|status`): a Kafka broker and a schema registry run
 * from Maven Central jars under the data dir. Clients still find them through
 * TRACEHOUND_KAFKA_BROKERS and TRACEHOUND_REGISTRY_URL: change those too when moving a port.
 */
export const StackConfig = Type.Object({
  TRACEHOUND_CACHE_DIR: Type.Optional(Type.String({ minLength: 1, description: 'a writable directory for downloaded jars; unset means <TRACEHOUND_DATA_DIR>/cache' })),
  TRACEHOUND_MAVEN_REPO: Type.Optional(Type.String({ minLength: 1, description: "a Maven local repository directory; unset means Maven's own (~/.m2/repository)" })),
  TRACEHOUND_JAVA: Type.String({ default: 'java', minLength: 1, description: 'the java command (Java 17 or newer), a name on PATH or a path' }),
  TRACEHOUND_MVN: Type.String({ default: 'mvn', minLength: 1, description: 'the Maven command, a name on PATH or a path' }),
  TRACEHOUND_KAFKA_VERSION: Type.String({ default: '4.4.0', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$', description: 'an Apache Kafka release on Maven Central, major.minor.patch', examples: ['4.4.0'] }),
  TRACEHOUND_KAFKA_PORT: Port('the Kafka client (PLAINTEXT) listener', 9092),
  TRACEHOUND_KAFKA_CONTROLLER_PORT: Port('the Kafka KRaft controller listener', 9093),
  TRACEHOUND_KAFKA_HEAP: Heap('the Kafka broker'),
  TRACEHOUND_REGISTRY_VERSION: Type.String({ default: '3.0.9', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$', description: 'an Apicurio Registry release whose apicurio-registry-app "all" zip is on Maven Central', examples: ['3.0.9'] }),
  TRACEHOUND_REGISTRY_PORT: Port('the schema registry HTTP API', 8081),
  TRACEHOUND_REGISTRY_HEAP: Heap('the schema registry'),
  TRACEHOUND_REGISTRY_STORAGE: Type.Union([Type.Literal('mem'), Type.Literal('kafkasql')], {
    default: 'mem',
    description: 'mem (schemas live in memory, gone on restart) or kafkasql (schemas kept in a Kafka topic)',
  }),
  TRACEHOUND_REGISTRY_COMPATIBILITY: Type.Union(
    ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'].map((l) => Type.Literal(l)),
    // FULL, the policy Tracehound registers its own subjects with (README), also for subjects
    // nobody configured; Apicurio's own default is no rule at all.
    { default: 'FULL', description: 'the compatibility rule for subjects without one of their own: NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE' },
  ),
  TRACEHOUND_STACK_START_TIMEOUT_MS: Type.Integer({ default: 120_000, minimum: 1000, description: 'milliseconds a component may take to answer after start (at least 1000)' }),
  TRACEHOUND_STACK_STOP_GRACE_MS: Type.Integer({ default: 20_000, minimum: 0, description: 'milliseconds between SIGTERM and SIGKILL when stopping a component' }),
});

/** The node agent (`tracehound agent`): the BPF loader it runs and where its events go. */
export const AgentConfig = Type.Object({
  TRACEHOUND_NODE_NAME: Type.Optional(Type.String({ minLength: 1, description: 'the Kubernetes node name of this host; unset means the host name' })),
  TRACEHOUND_AGENT_LOADER: Type.Optional(Type.String({ minLength: 1, description: 'path of the tracehound-loader binary; unset means bpf/.output/tracehound-loader in this checkout' })),
  TRACEHOUND_AGENT_OUTPUT: Type.Union([Type.Literal('kafka'), Type.Literal('json')], { default: 'kafka', description: 'kafka (publish to events.raw) or json (JSON lines on stdout)' }),
  TRACEHOUND_AGENT_STATS_INTERVAL_MS: Type.Integer({ default: 10_000, minimum: 1_000, description: 'milliseconds between agent_stats events (at least 1000)' }),
  TRACEHOUND_AGENT_RINGBUF_MB: Type.Integer({ default: 64, minimum: 1, maximum: 1024, description: 'the kernel ring buffer size in MiB (1-1024; rounded up to a power of two)' }),
  TRACEHOUND_AGENT_SPOOL_MAX_MB: Type.Integer({ default: 1024, minimum: 1, description: 'MiB of disk the spool may use while Kafka is away; past it the oldest events are dropped and counted' }),
  TRACEHOUND_AGENT_HTTP_HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'the address /healthz and /metrics listen on' }),
  TRACEHOUND_AGENT_HTTP_PORT: Type.Integer({ default: 9464, minimum: 0, maximum: 65535, description: 'the port of /healthz and /metrics (0 picks a free one)' }),
});

/**
 * The enricher (`tracehound enricher`): where it finds the Kubernetes API and how long it waits
 * for pods it does not know yet. Unset TRACEHOUND_KUBECONFIG means in-cluster configuration
 * (the pod's service account), as a Deployment runs it.
 */
export const EnricherConfig = Type.Object({
  TRACEHOUND_CLUSTER_NAME: Type.String({ default: 'default', minLength: 1, description: 'the cluster name written into every enriched event' }),
  TRACEHOUND_KUBECONFIG: Type.Optional(Type.String({ minLength: 1, description: 'path of a kubeconfig file; unset means in-cluster configuration' })),
  TRACEHOUND_KUBE_CONTEXT: Type.Optional(Type.String({ minLength: 1, description: 'a context of the kubeconfig; unset means its current context' })),
  TRACEHOUND_ENRICHER_GROUP: Type.String({ default: 'tracehound-enricher', minLength: 1, description: 'the Kafka consumer group id' }),
  TRACEHOUND_ENRICHER_HOLD_MS: Type.Integer({ default: 5_000, minimum: 0, maximum: 60_000, description: 'milliseconds an event of a not-yet-known container is held before it goes on unresolved (0-60000)' }),
  TRACEHOUND_ENRICHER_DELETED_TTL_MS: Type.Integer({ default: 300_000, minimum: 0, description: 'milliseconds a deleted pod stays resolvable for late events' }),
  TRACEHOUND_ENRICHER_RESYNC_MS: Type.Integer({ default: 1_800_000, minimum: 10_000, description: 'milliseconds between full re-lists of pods and namespaces (at least 10000)' }),
  TRACEHOUND_ENRICHER_SYNC_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 0, description: 'milliseconds to wait for the first full list before events flow unresolved' }),
  TRACEHOUND_ENRICHER_ANNOTATIONS: Type.String({
    default: 'kubectl.kubernetes.io/default-container,container.apparmor.security.beta.kubernetes.io/*,seccomp.security.alpha.kubernetes.io/*,tracehound.dev/*',
    description: 'comma-separated pod annotation keys copied into events; a trailing * matches a prefix',
    examples: ['team,tracehound.dev/*'],
  }),
  TRACEHOUND_ENRICHER_HTTP_HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'the address /healthz and /metrics listen on' }),
  TRACEHOUND_ENRICHER_HTTP_PORT: Type.Integer({ default: 9465, minimum: 0, maximum: 65535, description: 'the port of /healthz and /metrics (0 picks a free one)' }),
});

/**
 * The local Kubernetes API server (`tracehound kube up|down|status`, packages/kube): kube-apiserver
 * and etcd built from the Go module proxy, cached under the cache dir, run on loopback.
 */
export const LocalKubeConfig = Type.Object({
  TRACEHOUND_GO: Type.String({ default: 'go', minLength: 1, description: 'the go command (Go 1.24 or newer), a name on PATH or a path' }),
  TRACEHOUND_KUBE_PORT: Port('the local Kubernetes API server (HTTPS)', 6443),
  TRACEHOUND_KUBE_ETCD_PORT: Port('etcd clients of the local Kubernetes API server (the peer port is this plus one)', 2379),
  TRACEHOUND_KUBE_BUILD_TIMEOUT_MS: Type.Integer({ default: 2_400_000, minimum: 1000, description: 'milliseconds the first build of kube-apiserver and etcd may take (at least 1000)' }),
});

/** The detector (`tracehound detector`): rules from the rules topic, events in, alerts out. */
export const DetectorConfig = Type.Object({
  TRACEHOUND_DETECTOR_GROUP_ID: Type.String({ default: 'tracehound-detector', minLength: 1, description: 'the Kafka consumer group of detector instances' }),
  TRACEHOUND_DETECTOR_SEED_RULES: Type.Boolean({ default: true, description: 'true or false: publish the default rule files to an empty rules topic at start' }),
  TRACEHOUND_DETECTOR_RULES_DIR: Type.Optional(Type.String({ minLength: 1, description: 'a directory of default rule files (*.json); unset means rules/ in this checkout' })),
  TRACEHOUND_DETECTOR_MAX_KEYS: Type.Integer({ default: 100_000, minimum: 1, description: 'stateful and throttle keys kept per rule and partition before the oldest is evicted (at least 1)' }),
  TRACEHOUND_DETECTOR_HTTP_HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'the address /healthz and /metrics listen on' }),
  TRACEHOUND_DETECTOR_HTTP_PORT: Type.Integer({ default: 9466, minimum: 0, maximum: 65535, description: 'the port of /healthz and /metrics (0 picks a free one)' }),
});

/** The notifier (`tracehound notifier`): alerts to the routes admins configure (Slack, webhooks, e-mail, …). */
export const NotifierConfig = Type.Object({
  TRACEHOUND_NOTIFIER_GROUP_ID: Type.String({ default: 'tracehound-notifier', minLength: 1, description: 'the Kafka consumer group of notifier instances' }),
  TRACEHOUND_NOTIFIER_DEDUPE_HORIZON_MS: Type.Integer({ default: 86_400_000, minimum: 60_000, description: 'milliseconds of the delivery log read back at start to skip alerts already handled (at least 60000)' }),
  TRACEHOUND_NOTIFIER_HTTP_HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'the address /healthz and /metrics listen on' }),
  TRACEHOUND_NOTIFIER_HTTP_PORT: Type.Integer({ default: 9469, minimum: 0, maximum: 65535, description: 'the port of /healthz and /metrics (0 picks a free one)' }),
});

/** Storage retention (applied by the migrations as table TTLs; changing a value alters the TTL at the next start). */
export const RetentionConfig = Type.Object({
  TRACEHOUND_RETENTION_EVENTS_DAYS: Type.Integer({ default: 30, minimum: 1, maximum: 3650, description: 'days events are kept in ClickHouse (1-3650)' }),
  TRACEHOUND_RETENTION_ALERTS_DAYS: Type.Integer({ default: 365, minimum: 1, maximum: 3650, description: 'days alerts and their state history are kept (1-3650)' }),
  TRACEHOUND_RETENTION_AUDIT_DAYS: Type.Integer({ default: 365, minimum: 1, maximum: 3650, description: 'days API audit records are kept (1-3650)' }),
  TRACEHOUND_CLICKHOUSE_CLUSTER: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'a ClickHouse cluster name: migrations then run ON CLUSTER with Replicated engines and Distributed tables' })),
});

/** The ClickHouse sink (`tracehound sink`): events.enriched and alerts into ClickHouse. */
export const SinkConfig = Type.Object({
  TRACEHOUND_SINK_GROUP_ID: Type.String({ default: 'tracehound-sink', minLength: 1, description: 'the Kafka consumer group of sink instances' }),
  TRACEHOUND_SINK_BATCH_ROWS: Type.Integer({ default: 20_000, minimum: 1, maximum: 1_000_000, description: 'rows per ClickHouse insert at most (1-1000000)' }),
  TRACEHOUND_SINK_BATCH_BYTES: Type.Integer({ default: 16 * 1024 * 1024, minimum: 1024, description: 'Kafka bytes fetched per partition and batch (at least 1024)' }),
  TRACEHOUND_SINK_MAX_WAIT_MS: Type.Integer({ default: 1_000, minimum: 0, maximum: 60_000, description: 'milliseconds a fetch waits for a batch to fill before it is inserted (0-60000)' }),
  TRACEHOUND_SINK_HTTP_HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'the address /healthz and /metrics listen on' }),
  TRACEHOUND_SINK_HTTP_PORT: Type.Integer({ default: 9467, minimum: 0, maximum: 65535, description: 'the port of /healthz and /metrics (0 picks a free one)' }),
});

/** The all-in-one process (`tracehound up`): the optional parts it hosts beside enricher, detector, sink and API. */
export const PlatformConfig = Type.Object({
  TRACEHOUND_UP_AGENT: Type.Union([Type.Literal('auto'), Type.Literal('off')], {
    default: 'auto',
    description: 'auto (host the agent when this machine can load eBPF, and say why not otherwise) or off',
  }),
  TRACEHOUND_UP_LOCAL_KUBE: Type.Boolean({
    default: false,
    description: 'true or false: without TRACEHOUND_KUBECONFIG, enrich against the local Kubernetes API server (started if needed, as `tracehound kube up`); false means events stay host/unresolved',
  }),
  TRACEHOUND_UP_THREADS: Type.Union([Type.Literal('workers'), Type.Literal('one')], {
    default: 'workers',
    description: 'workers (enricher, detector, notifier and agent each on a worker thread of the process; sink and API on the main thread) or one (everything on the main thread)',
  }),
  TRACEHOUND_UP_WORKER_YOUNG_MB: Type.Integer({
    default: 0, minimum: 0, maximum: 4096,
    description: 'the young-generation heap of each worker thread in MiB (0-4096; 0 means V8\'s default); larger means fewer scavenges per event',
  }),
  TRACEHOUND_UP_ENGINE_NICE: Type.Integer({
    default: 10, minimum: 0, maximum: 19,
    description: 'how many nice steps (0-19) below the rest of the process the embedded ClickHouse engine\'s threads run, so that enrichment and detection go first when the cores are full; 0 leaves them as they start; not used with TRACEHOUND_CLICKHOUSE_URL',
  }),
  TRACEHOUND_UP_STORAGE_NICE: Type.Integer({
    default: 5, minimum: 0, maximum: 19,
    description: 'how many nice steps (0-19) below the worker threads (enricher, detector, notifier, agent) the main JavaScript thread runs, which hosts the sink and the API, so that enrichment and detection go first when the cores are full; 0 leaves it; only with TRACEHOUND_UP_THREADS=workers',
  }),
});

/** The attack generator (`tracehound simulate`). */
export const SimulateConfig = Type.Object({
  TRACEHOUND_SIMULATE_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 1_000, description: 'milliseconds to wait for each scenario\'s alert (at least 1000)' }),
  TRACEHOUND_SIMULATE_NAMESPACE: Type.String({ default: 'tracehound-simulate', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', description: 'the Kubernetes namespace of the imitated pods (a DNS label)' }),
});

/** The Kubernetes audit webhook of the API (POST /api/v1/k8s-audit); off while no token or client name is set. */
export const K8sAuditConfig = Type.Object({
  TRACEHOUND_API_K8S_AUDIT_TOKENS: Type.String({ default: '', description: 'comma-separated bearer tokens the API server\'s audit webhook kubeconfig presents (each at least 32 characters); empty means none' , pattern: '^([^,\\s]{32,}(,[^,\\s]{32,})*)?$' }),
  TRACEHOUND_API_K8S_AUDIT_CLIENT_NAMES: Type.String({ default: '', description: 'comma-separated client certificate common names accepted when the API is served over TLS with client certificates' }),
  TRACEHOUND_API_K8S_AUDIT_NODE: Type.String({ default: 'kube-apiserver', minLength: 1, maxLength: 253, description: 'the node name audit events carry (the cluster\'s API server)' }),
  TRACEHOUND_API_K8S_AUDIT_BODY_LIMIT: Type.Integer({ default: 16 * 1024 * 1024, minimum: 1024, maximum: 256 * 1024 * 1024, description: 'the largest audit webhook body in bytes (1024-268435456)' }),
});

/** HTTPS for the API; with a client CA, clients may authenticate by certificate (the audit webhook does). */
export const ApiTlsConfig = Type.Object({
  TRACEHOUND_API_TLS_CERT_FILE: Type.Optional(Type.String({ minLength: 1, description: 'a PEM certificate file; set with TRACEHOUND_API_TLS_KEY_FILE to serve HTTPS' })),
  TRACEHOUND_API_TLS_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'the PEM private key file of TRACEHOUND_API_TLS_CERT_FILE' })),
  TRACEHOUND_API_TLS_CLIENT_CA_FILE: Type.Optional(Type.String({ minLength: 1, description: 'a PEM CA file: client certificates it signed are verified (the audit webhook accepts them)' })),
});

/** The REST API (`tracehound api`). */
export const ApiConfig = Type.Object({
  TRACEHOUND_API_HOST: Type.String({ default: '127.0.0.1', minLength: 1, description: 'the address the API listens on' }),
  TRACEHOUND_API_PORT: Type.Integer({ default: 8080, minimum: 0, maximum: 65535, description: 'the port of the API (0 picks a free one)' }),
  TRACEHOUND_API_CORS_ORIGINS: Type.String({ default: '', description: 'comma-separated origins allowed by CORS; empty means CORS off' }),
  TRACEHOUND_API_RATE_LIMIT: Type.Integer({ default: 600, minimum: 1, description: 'requests per minute per caller (token or address)' }),
  TRACEHOUND_API_BODY_LIMIT: Type.Integer({ default: 1024 * 1024, minimum: 1024, maximum: 64 * 1024 * 1024, description: 'the largest request body in bytes (1024-67108864)' }),
  TRACEHOUND_API_SESSION_TTL_S: Type.Integer({ default: 12 * 3600, minimum: 60, description: 'seconds a login session token lives (at least 60)' }),
  TRACEHOUND_API_QUERY_TIMEOUT_S: Type.Integer({ default: 10, minimum: 1, maximum: 600, description: 'seconds a query may run in ClickHouse (1-600)' }),
  TRACEHOUND_API_MAX_ROWS_READ: Type.Integer({ default: 200_000_000, minimum: 1000, description: 'rows a query may read in ClickHouse before it is refused' }),
  TRACEHOUND_API_BACKTEST_MAX_EVENTS: Type.Integer({ default: 1_000_000, minimum: 1, description: 'events a backtest may evaluate at most' }),
  TRACEHOUND_API_BACKTEST_TIMEOUT_MS: Type.Integer({ default: 30_000, minimum: 100, description: 'milliseconds a backtest may run at most' }),
  TRACEHOUND_API_SSE_MAX_CLIENTS: Type.Integer({ default: 1_000, minimum: 1, description: 'concurrent live alert streams; more are refused with 503' }),
  TRACEHOUND_API_ADMIN_USER: Type.String({ default: 'admin', pattern: '^[A-Za-z0-9._@-]{1,64}$', description: 'the name of the first admin, created at first start with the password of TRACEHOUND_API_ADMIN_PASSWORD_FILE or a generated one' }),
  TRACEHOUND_API_ADMIN_PASSWORD_FILE: Type.Optional(Type.String({ minLength: 1, description: 'a file (e.g. a mounted Secret) whose first line, at least 12 characters, is the first admin\'s password at first start instead of a generated one; never printed' })),
});
