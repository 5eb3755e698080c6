import { Type } from '@sinclair/typebox';
import { requirePermission } from '../auth/principal.js';
import { ERRORS } from '../schemas/common.js';
import type { StreamClient } from '../stream/live-alerts.js';
import type { RouteModule } from './types.js';

export const streamRoutes: RouteModule = (app, s) => {
  app.get('/api/v1/stream/alerts', {
    schema: {
      tags: ['alerts'],
      summary: 'Server-Sent Events: `event: alert` with the alert JSON for each new alert in your namespaces; `: ping` every 15 s',
      produces: ['text/event-stream'],
      response: { 200: Type.String({ description: 'text/event-stream' }), 503: ERRORS[500], ...ERRORS },
    },
  }, async (req, reply) => {
    const principal = requirePermission(req.principal, 'read');
    const res = reply.raw;
    const client: StreamClient = {
      principal,
      write: (chunk) => {
        res.write(chunk);
        return res.writableLength;
      },
      end: () => res.end(),
    };
    const verdict = s.live.open(client);
    if (verdict !== 'ok') {
      return reply.code(503).header('retry-after', '30').send({
        error: 'TH_ERR_UNAVAILABLE', requestId: req.id,
        message: verdict === 'full' ? 'too many live streams on this server; retry later' : 'too many live streams for this user',
      });
    }
    s.audit(req, 200);
    reply.hijack();
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');
    // The response's close is the connection's end; the request's close fires once its (empty) body is read.
    res.once('close', () => s.live.remove(client));
    return reply;
  });
};
