import { createConnection, createServer } from 'node:net';
import { TracehoundError } from '@tracehound/errors';
import type { PortUse } from './component.js';
import { HOST } from './settings.js';

/**
 * Fails fast, naming the port, when something else already listens there. Without this the
 * JVM would start, fail to bind, and the user would wait for a readiness deadline instead.
 */
export function assertPortFree(use: PortUse): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is already in use by another process' : `cannot be bound (${err.code ?? err.message})`;
      reject(new TracehoundError('TH_ERR_STACK', `port ${use.port} on ${HOST}, needed for ${use.what}, ${why}; stop that process or set ${use.variable}`, {
        cause: err,
        details: { port: use.port, variable: use.variable },
      }));
    });
    server.listen({ port: use.port, host: HOST, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** Whether something accepts TCP connections on the port. */
export function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: HOST, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
