import Fastify, { type FastifyInstance } from 'fastify';
import { registry } from '@tracehound/metrics';

export interface OpsServerOptions {
  host: string;
  port: number;
  /** Ready means: serving its purpose now (connected, first list done, …). */
  ready: () => boolean;
  /** Extra details for /healthz, e.g. counters a person checks first. */
  details?: () => Record<string, unknown>;
}

/**
 * Every service has the same operations endpoints on its own port: `/healthz` (the process is
 * alive), `/readyz` (503 until ready) and `/metrics` (Prometheus text).
 */
export async function startOpsServer(o: OpsServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok', ready: o.ready(), ...(o.details?.() ?? {}) }));
  app.get('/readyz', async (_req, reply) => {
    const ready = o.ready();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  await app.listen({ host: o.host, port: o.port });
  return app;
}
