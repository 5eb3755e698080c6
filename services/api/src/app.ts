import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { migrate, type ClickHouseLike, type DdlContext } from '@tracehound/clickhouse';
import type { Logger } from '@tracehound/logging';
import { registry } from '@tracehound/metrics';
import { AuditLog } from './adapters/audit-log.js';
import { UsersStore } from './adapters/users-store.js';
import { AuthService, type FirstAdmin } from './auth/auth-service.js';
import { reportFirstAdmin } from './auth/first-admin.js';
import type { Principal } from './auth/principal.js';
import { errorHandler } from './errors.js';
import { AlertQueries } from './queries/alerts.js';
import { EventQueries } from './queries/events.js';
import { StatsQueries } from './queries/stats.js';
import { ROUTES } from './routes/index.js';
import type { Api, Services } from './routes/types.js';
import { RuleService, type BacktestLimits } from './rules/rule-service.js';
import { startAlertFeed, type AlertFeed } from './adapters/alerts-feed.js';
import { DetectorRuleEngine } from './adapters/detector-engine.js';
import { provisionApiTopics, rulesTopic, type RulesMirror } from './adapters/rules-topic.js';
import type { Kafka } from 'kafkajs';
import { ErrorBody } from './schemas/common.js';
import { RuleDoc } from './schemas/rules.js';
import { validatorCompiler } from './validation.js';
import { AlertView } from './schemas/alerts.js';
import { EventView } from './schemas/events.js';
import { TokenView, UserView } from './schemas/auth.js';
import { LiveAlerts } from './stream/live-alerts.js';
import { registerUiSupport, type UiOptions } from './ui-support.js';
import { registerNotifications } from './routes/notifications.js';
import { registerK8sAudit, type K8sAuditOptions } from './routes/k8s-audit.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** A route that needs no token (login, health, docs). */
    public?: boolean;
  }
}

export interface ApiOptions {
  /** Shared with the sink in the all-in-one process (chDB: one process per data dir). */
  clickhouse: ClickHouseLike;
  ddl: DdlContext;
  logger: Logger;
  adminUser?: string;
  /** Called once, at first start, with the generated password of the first admin (never with a given one, nor by an instance whose admin row was not kept). */
  onFirstAdmin?: (username: string, password: string) => void;
  /** The first admin's password (from TRACEHOUND_API_ADMIN_PASSWORD_FILE): used instead of a generated one, never reported. */
  adminPassword?: string;
  sessionTtlMs?: number;
  queryTimeoutS?: number;
  maxRowsRead?: number;
  bodyLimit?: number;
  rateLimitPerMinute?: number;
  corsOrigins?: string[];
  sseMaxClients?: number;
  /**
   * Kafka, for rule management (the rules topic) and the live alert stream (the alerts topic).
   * Without it the API still serves queries; rule routes answer 503 and the stream stays silent.
   */
  kafka?: { kafka: Kafka; registryUrl: string; topicPrefix: string; provision?: { partitions: number; replication: number } };
  backtest?: BacktestLimits;
  migrate?: boolean;
  /** The web UI (static files under /ui/) and its dashboard endpoints. */
  ui?: UiOptions;
  /** The Kubernetes audit webhook (POST /api/v1/k8s-audit); off without tokens or client names. Needs `kafka`. */
  k8sAudit?: Omit<K8sAuditOptions, 'kafka' | 'logger'>;
  /**
   * Serve HTTPS (PEM key and certificate); with `ca`, clients may present certificates signed by it
   * (verified, not required: only the audit webhook accepts them as credentials).
   */
  https?: { key: string; cert: string; ca?: string };
}

export interface ApiApp {
  app: FastifyInstance;
  live: LiveAlerts;
  auth: AuthService;
  /** What the first-start check did. */
  firstAdmin: FirstAdmin;
  /** Resolves when the rules in force are known and the live feed reads new alerts. */
  kafkaReady: Promise<void>;
  ready(): boolean;
  close(): Promise<void>;
}

/** Builds the REST API on a ClickHouse client: what main.ts serves and tests inject into. */
export async function buildApi(o: ApiOptions): Promise<ApiApp> {
  if (o.migrate !== false) await migrate(o.clickhouse, o.ddl, o.logger);
  const db = o.ddl.database;
  const limits = { maxExecutionSeconds: o.queryTimeoutS ?? 10, maxRowsToRead: o.maxRowsRead ?? 200_000_000 };
  const auth = new AuthService(new UsersStore(o.clickhouse, db), o.sessionTtlMs ?? 12 * 3_600_000);
  const audit = new AuditLog(o.clickhouse, db, o.logger);
  const live = new LiveAlerts({ maxClients: o.sseMaxClients ?? 1_000, perUser: 50, maxQueuedBytes: 1024 * 1024, heartbeatMs: 15_000 });
  let rules: RuleService | undefined;
  let mirror: RulesMirror | undefined;
  let feed: AlertFeed | undefined;
  let kafkaReady = Promise.resolve();
  if (o.kafka) {
    if (o.kafka.provision) await provisionApiTopics(o.kafka.kafka, o.kafka.topicPrefix, o.kafka.provision);
    const engine = new DetectorRuleEngine();
    mirror = await rulesTopic({ kafka: o.kafka.kafka, topicPrefix: o.kafka.topicPrefix, logger: o.logger, onRecord: (k, v) => engine.applyRecord(k, v) });
    rules = new RuleService(engine, mirror, o.clickhouse, db, limits, o.backtest ?? { maxEvents: 1_000_000, timeoutMs: 30_000 });
    feed = await startAlertFeed({ ...o.kafka, logger: o.logger, onAlert: (a) => live.publish(a) });
    kafkaReady = Promise.all([mirror.caughtUp, feed.ready]).then(() => undefined);
  }
  const firstAdmin = await auth.ensureFirstAdmin(o.adminUser ?? 'admin', o.adminPassword);
  reportFirstAdmin(firstAdmin, o.adminUser ?? 'admin', o.logger, o.onFirstAdmin);

  const app: Api = Fastify({
    // Requests are audited in api_audit; the log gets Fastify's warnings and errors only.
    loggerInstance: o.logger.child({ component: 'http' }, { level: 'warn' }),
    bodyLimit: o.bodyLimit ?? 1024 * 1024,
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 512 },
    ...(o.https ? { https: { key: o.https.key, cert: o.https.cert, ...(o.https.ca ? { ca: o.https.ca, requestCert: true, rejectUnauthorized: false } : {}) } } : {}),
  } as Parameters<typeof Fastify>[0]).withTypeProvider<TypeBoxTypeProvider>() as unknown as Api;

  const shared = [ErrorBody, EventView, AlertView, UserView, TokenView, RuleDoc];
  for (const schema of shared) app.addSchema(schema);
  app.setValidatorCompiler(validatorCompiler(shared));
  app.setErrorHandler(errorHandler(o.logger));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'TH_ERR_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}`, requestId: req.id }));

  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"] } },
  });
  if (o.corsOrigins?.length) await app.register(cors, { origin: o.corsOrigins, credentials: false });
  await app.register(rateLimit, {
    max: o.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
    allowList: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url.split('?')[0]!),
    // A caller is its token when it has one, its address otherwise.
    keyGenerator: (req) => (req.headers.authorization ? `t:${req.headers.authorization.slice(-16)}` : `ip:${req.ip}`),
    errorResponseBuilder: (req, ctx) => ({ statusCode: 429, error: 'TH_ERR_RATE_LIMITED', message: `rate limit: ${ctx.max} requests per ${ctx.after}`, requestId: req.id }),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tracehound API', version: '1', description: 'Events, alerts, stats, rules and users. Send `Authorization: Bearer <token>` (from POST /api/v1/auth/login, or an API token). Nanosecond times are decimal strings (`ts`) and ISO 8601 with nine fraction digits (`time`).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: false } });

  // Every API route needs a valid token unless it says it is public.
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/') || req.routeOptions.config?.public) return;
    const header = req.headers.authorization ?? '';
    const token = /^Bearer ([^\s]+)$/i.exec(header)?.[1];
    req.principal = await auth.authenticate(token);
  });
  const auditRequest = (req: FastifyRequest, status: number, durationMs: number) => audit.record({
    ts: Date.now(), request_id: req.id, actor: req.principal?.username ?? '', auth: req.principal?.auth ?? 'anonymous', method: req.method,
    route: req.routeOptions.url ?? '', path: req.url.slice(0, 2048), status, duration_ms: durationMs, ip: req.ip, error_code: status >= 400 ? String(status) : '',
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.url.startsWith('/api/')) auditRequest(req, reply.statusCode, reply.elapsedTime);
  });

  let chUp = true;
  let lastPing = 0;
  const ping = async () => {
    if (Date.now() - lastPing > 2_000) {
      lastPing = Date.now();
      chUp = (await o.clickhouse.ping().catch(() => ({ success: false }))).success;
    }
    return chUp;
  };
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok', sseClients: live.size }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    const ready = await ping();
    return reply.code(ready ? 200 : 503).send({ ready, clickhouse: ready ? 'up' : 'unavailable' });
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));

  const services: Services = {
    auth,
    events: new EventQueries(o.clickhouse, db, limits),
    alerts: new AlertQueries(o.clickhouse, db, limits),
    stats: new StatsQueries(o.clickhouse, db, limits),
    rules,
    live,
    limits,
    audit: (req, status) => auditRequest(req, status, 0),
  };
  for (const register of ROUTES) register(app, services);
  await registerUiSupport(app, { ...o.ui, clickhouse: o.clickhouse, database: db, limits, kafka: o.kafka });
  const extras = [
    await registerNotifications(app, { ...(o.kafka ? { kafka: o.kafka } : {}), clickhouse: o.clickhouse, database: db, limits, logger: o.logger }),
    await registerK8sAudit(app, { tokens: [], clientNames: [], node: 'kube-apiserver', bodyLimit: 16 * 1024 * 1024, ...o.k8sAudit, ...(o.kafka ? { kafka: o.kafka } : {}), logger: o.logger }),
  ];
  await app.ready();

  return {
    app,
    live,
    auth,
    firstAdmin,
    kafkaReady,
    ready: () => chUp,
    async close() {
      live.close();
      await app.close();
      await feed?.close();
      await mirror?.close();
      await audit.close();
      for (const x of extras) await x.close();
    },
  };
}

