import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Api } from './routes/types.js';

/** Where `npm run build -w services/ui` (and scripts/setup.sh) puts the web UI. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));

export const UI_PREFIX = '/ui/';

const NOT_BUILT = `The Tracehound web UI is not built on this server.
Build it with ./scripts/setup.sh (or npm run build -w services/ui), then reload this page.
The REST API is available under /api/v1 and documented at /docs.
`;

/**
 * The web UI: static files from the UI build under /ui/, same origin as the API. The files hold
 * no data, so they need no token; everything they show comes from /api/v1 with the user's
 * session. Unknown paths under /ui/ are the UI's own routes and get index.html. Without a build,
 * /ui/ answers 503 with what to run, never a bare 404 or a 500.
 */
export async function serveUi(app: Api, dir = DEFAULT_UI_DIR): Promise<void> {
  const built = () => existsSync(join(dir, 'index.html'));
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect(UI_PREFIX));
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: dir,
      // Relative to the scope's own /ui prefix.
      prefix: '/',
      wildcard: true,
      // The build writes .br and .gz beside each file (services/ui/vite.config.ts).
      preCompressed: true,
      index: ['index.html'],
      schemaHide: true,
      // Built assets have content hashes in their names; index.html must always be fresh.
      setHeaders: (reply, path) => reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
    scope.setNotFoundHandler(async (req, reply) => {
      if (!built()) return reply.code(503).type('text/plain; charset=utf-8').header('retry-after', '60').send(NOT_BUILT);
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply.code(404).send({ error: 'TH_ERR_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}`, requestId: req.id });
      // A missing hashed asset is a real 404 (an old tab after a deploy), not the app shell.
      if (req.url.startsWith(`${UI_PREFIX}assets/`)) return reply.code(404).type('text/plain; charset=utf-8').send('no such asset; reload the page');
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  }, { prefix: '/ui' });
}
